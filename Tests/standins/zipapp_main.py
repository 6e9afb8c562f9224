"""Entry point of the kubelet stand-in artifact (a zipapp holding both stand-ins; test support only)."""
import sys

if "--standin-role=apiserver" in sys.argv[1:]:
    import apiserver_standin as program
    sys.exit(program.main([a for a in sys.argv[1:] if a != "--standin-role=apiserver"]))
else:
    import kubelet_standin as program
    sys.exit(program.main(sys.argv[1:]))
