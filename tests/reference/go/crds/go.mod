// The CRDs the reference cluster serves, as their projects publish them inside their Go modules:
// Istio's (the release the sandbox emulates) and Gateway API's standard channel (the release Istio 1.23's
// docs install). Nothing is built from here; gobuild.py downloads the modules and reads the files.
module ingresslab.test/reference/crds

go 1.24.0

require (
	istio.io/api v1.23.0
	sigs.k8s.io/gateway-api v1.1.0
)
