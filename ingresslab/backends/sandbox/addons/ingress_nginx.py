"""minikube's ingress addon: ingress-nginx as `minikube addons enable ingress` installs it."""
