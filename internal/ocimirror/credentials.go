package ocimirror

import (
	"context"
	"os"
	"strings"

	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/credentials"
)

// Variables that give CI a registry login without a docker config file.
const (
	// EnvUsername is the user name for the mirrors' registries.
	EnvUsername = "TOTE_REGISTRY_USERNAME"
	// EnvPassword is the password (or access token used as one).
	EnvPassword = "TOTE_REGISTRY_PASSWORD"
	// EnvToken is a token used as the password, with EnvUsername or
	// "tote" as the user name (GHCR, Docker Hub and most registries take
	// a personal access token this way).
	EnvToken = "TOTE_REGISTRY_TOKEN"
)

// Credentials returns how tote logs in to a registry, the way the
// container ecosystem does it:
//
//   - for the hosts in envHosts (the configured mirrors' registries and
//     the REGISTRY a command names), TOTE_REGISTRY_USERNAME with
//     TOTE_REGISTRY_PASSWORD or TOTE_REGISTRY_TOKEN when set: CI secrets
//     reach only the registries the user pointed tote at;
//   - otherwise the docker configuration ($DOCKER_CONFIG/config.json or
//     ~/.docker/config.json): its "auths" entries, its "credsStore" and
//     per-host "credHelpers" (docker-credential-<name> programs, run as
//     docker runs them).
//
// No credential is ever written anywhere by tote. warn receives a problem
// with the docker configuration (it is then ignored); it may be nil.
func Credentials(envHosts []string, warn func(msg string, err error)) auth.CredentialFunc {
	user, pass := os.Getenv(EnvUsername), os.Getenv(EnvPassword)
	if tok := os.Getenv(EnvToken); tok != "" && pass == "" {
		pass = tok
		if user == "" {
			user = "tote"
		}
	}
	scoped := map[string]bool{}
	for _, h := range envHosts {
		scoped[h] = true
	}
	var docker credentials.Store
	store, err := credentials.NewStoreFromDocker(credentials.StoreOptions{})
	if err != nil {
		if warn != nil {
			warn("cannot read the docker configuration; registries are used without its credentials", err)
		}
	} else {
		docker = store
	}
	return func(ctx context.Context, hostport string) (auth.Credential, error) {
		if pass != "" && scoped[hostport] {
			return auth.Credential{Username: user, Password: pass}, nil
		}
		if docker == nil {
			return auth.EmptyCredential, nil
		}
		cred, err := credentials.Credential(docker)(ctx, hostport)
		if err != nil {
			// A failing helper must not leak what it printed; the error
			// names the helper and the host only.
			return auth.EmptyCredential, &credError{host: hostport, err: err}
		}
		return cred, nil
	}
}

// credError is a credential lookup that failed.
type credError struct {
	host string
	err  error
}

func (e *credError) Error() string {
	msg := e.err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return "credentials for " + e.host + " (docker configuration or credential helper): " + msg
}

func (e *credError) Unwrap() error { return e.err }
