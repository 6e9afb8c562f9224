/// Python's `shlex.split(line, comments=True)` (POSIX mode), which Ansible uses to split an INI
/// host line into the host pattern and its `key=value` tokens: quotes group and are removed,
/// a backslash escapes, and `#` outside quotes ends the line — even in the middle of a word.
enum ShellWords {
    struct Failure: Error { var message: String }

    static func split(_ line: String) throws -> [String] {
        var words: [String] = []
        var token = String.UnicodeScalarView()
        var inToken = false  // a token is open (possibly empty, after '')
        var quote: Unicode.Scalar?
        var chars = line.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = chars.next()

        func finish() {
            if inToken { words.append(String(token)) }
            token = String.UnicodeScalarView()
            inToken = false
        }

        while let char = pending {
            pending = chars.next()
            if let open = quote {
                if char == open {
                    quote = nil
                } else if char == "\\" && open == "\"" {
                    guard let next = pending else { throw Failure(message: "No escaped character") }
                    pending = chars.next()
                    if next != "\\" && next != "\"" { token.append("\\") }
                    token.append(next)
                } else {
                    token.append(char)
                }
                continue
            }
            switch char {
            case " ", "\t", "\r", "\n":
                finish()
            case "#":
                finish()
                pending = nil
            case "'", "\"":
                quote = char
                inToken = true
            case "\\":
                guard let next = pending else { throw Failure(message: "No escaped character") }
                pending = chars.next()
                token.append(next)
                inToken = true
            default:
                token.append(char)
                inToken = true
            }
        }
        if quote != nil { throw Failure(message: "No closing quotation") }
        finish()
        return words
    }
}
