/// Plan JSON spells an action as one object: `{"kind": "render", "template": …, "path": …}`, so a
/// reader switches on `kind` and finds the parameters beside it (docs/planning.md, "Actions").
extension StepAction: Codable {
    private enum CodingKeys: String, CodingKey { case kind }

    public init(from decoder: Decoder) throws {
        let kind = try decoder.container(keyedBy: CodingKeys.self).decode(ActionKind.self, forKey: .kind)
        switch kind {
        case .render: self = .render(try RenderAction(from: decoder))
        case .pki: self = .pki(try PKIAction(from: decoder))
        case .unit: self = .unit(try UnitAction(from: decoder))
        case .command: self = .command(try CommandAction(from: decoder))
        case .wait: self = .wait(try WaitAction(from: decoder))
        case .etcdMemberAdd: self = .etcdMemberAdd(try EtcdMemberAction(from: decoder))
        case .etcdMemberRemove: self = .etcdMemberRemove(try EtcdMemberAction(from: decoder))
        case .cordon: self = .cordon(try NodeAction(from: decoder))
        case .drain: self = .drain(try DrainAction(from: decoder))
        case .uncordon: self = .uncordon(try NodeAction(from: decoder))
        case .deleteNode: self = .deleteNode(try NodeAction(from: decoder))
        case .etcdSnapshot: self = .etcdSnapshot(try SnapshotAction(from: decoder))
        case .backupFiles: self = .backupFiles(try FileSetAction(from: decoder))
        case .restoreFiles: self = .restoreFiles(try FileSetAction(from: decoder))
        case .uploadArtifact: self = .uploadArtifact(try ArtifactAction(from: decoder))
        case .preflight: self = .preflight(try PreflightAction(from: decoder))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case .render(let value): try value.encode(to: encoder)
        case .pki(let value): try value.encode(to: encoder)
        case .unit(let value): try value.encode(to: encoder)
        case .command(let value): try value.encode(to: encoder)
        case .wait(let value): try value.encode(to: encoder)
        case .etcdMemberAdd(let value), .etcdMemberRemove(let value): try value.encode(to: encoder)
        case .cordon(let value), .uncordon(let value), .deleteNode(let value): try value.encode(to: encoder)
        case .drain(let value): try value.encode(to: encoder)
        case .etcdSnapshot(let value): try value.encode(to: encoder)
        case .backupFiles(let value), .restoreFiles(let value): try value.encode(to: encoder)
        case .uploadArtifact(let value): try value.encode(to: encoder)
        case .preflight(let value): try value.encode(to: encoder)
        }
    }
}
