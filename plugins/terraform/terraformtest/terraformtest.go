// Package terraformtest writes releases.hashicorp.com's layout for
// terraform, for tests: the product index, each version's index.json, zips
// holding the terraform binary (a script), terraform_<v>_SHA256SUMS and its
// detached signatures made with a key generated per mirror (HashiCorp's
// private key is not ours). The shapes follow hc-install's mock of the API
// (plugins/terraform/testdata/README.md).
package terraformtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/tote-dev/tote/internal/testutil/mirror"
)

// Upstream is the URL prefix Mirror serves.
const Upstream = "https://releases.hashicorp.com/"

// Versions are the mirrored versions. 1.5.7 lists no signature (the plugin
// warns and goes on); the others are signed.
var Versions = []string{"1.5.7", "1.9.8", "1.10.0-rc1"}

// Unsigned is the version whose index lists no signature.
const Unsigned = "1.5.7"

var platforms = [][2]string{{"linux", "amd64"}, {"linux", "arm64"}, {"darwin", "arm64"}, {"darwin", "amd64"}, {"windows", "amd64"}, {"freebsd", "386"}}

// Script is the fake terraform.
func Script(version string) string {
	return fmt.Sprintf("#!/bin/sh\nif [ \"$1\" = version ]; then echo \"Terraform v%[1]s\"; echo \"on linux_amd64\"; else echo \"terraform %[1]s: $*\"; fi\n", version)
}

// NewKey makes an EdDSA signing key for a mirror.
func NewKey() (*openpgp.Entity, error) {
	return openpgp.NewEntity("tote test mirror", "", "mirror@tote.invalid", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
}

// ArmoredPublic returns the key's armored public part.
func ArmoredPublic(e *openpgp.Entity) (string, error) {
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		return "", err
	}
	if err := e.Serialize(w); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// Sign returns a binary detached signature of content, as HashiCorp's .sig files are.
func Sign(e *openpgp.Entity, content []byte) ([]byte, error) {
	var buf bytes.Buffer
	if err := openpgp.DetachSign(&buf, e, bytes.NewReader(content), nil); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Mirror writes the layout under root/terraform, plus root/terraform/key.toml:
// a [tools.terraform] table whose pgp-public-key is the mirror's key.
func Mirror(root string) (map[string]string, error) {
	base := filepath.Join(root, "terraform", "terraform")
	key, err := NewKey()
	if err != nil {
		return nil, err
	}
	type build struct {
		Name     string `json:"name"`
		Version  string `json:"version"`
		OS       string `json:"os"`
		Arch     string `json:"arch"`
		Filename string `json:"filename"`
		URL      string `json:"url"`
	}
	type doc struct {
		Name              string   `json:"name"`
		Version           string   `json:"version"`
		Shasums           string   `json:"shasums"`
		ShasumsSignature  string   `json:"shasums_signature,omitempty"`
		ShasumsSignatures []string `json:"shasums_signatures,omitempty"`
		Builds            []build  `json:"builds"`
	}
	product := map[string]any{"name": "terraform"}
	docs := map[string]doc{}
	for _, v := range Versions {
		dir := filepath.Join(base, v)
		d := doc{Name: "terraform", Version: v, Shasums: "terraform_" + v + "_SHA256SUMS"}
		var lines []string
		for _, p := range platforms {
			name := fmt.Sprintf("terraform_%s_%s_%s.zip", v, p[0], p[1])
			exe := "terraform"
			if p[0] == "windows" {
				exe += ".exe"
			}
			path := filepath.Join(dir, name)
			if err := mirror.WriteZip(path, []mirror.Entry{{Name: "LICENSE.txt", Body: "Business Source License 1.1\n"}, {Name: exe, Body: Script(v), Mode: 0o755}}); err != nil {
				return nil, err
			}
			sum, err := mirror.SHA256File(path)
			if err != nil {
				return nil, err
			}
			lines = append(lines, sum+"  "+name)
			d.Builds = append(d.Builds, build{"terraform", v, p[0], p[1], name, Upstream + "terraform/" + v + "/" + name})
		}
		sort.Strings(lines)
		sums := []byte(strings.Join(lines, "\n") + "\n")
		if err := os.WriteFile(filepath.Join(dir, d.Shasums), sums, 0o644); err != nil {
			return nil, err
		}
		if v != Unsigned {
			sig, err := Sign(key, sums)
			if err != nil {
				return nil, err
			}
			d.ShasumsSignature = d.Shasums + ".sig"
			d.ShasumsSignatures = []string{d.Shasums + ".72D7468F.sig", d.Shasums + ".sig"}
			for _, n := range d.ShasumsSignatures {
				if err := os.WriteFile(filepath.Join(dir, n), sig, 0o644); err != nil {
					return nil, err
				}
			}
		}
		b, err := json.MarshalIndent(d, "", "    ")
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "index.json"), b, 0o644); err != nil {
			return nil, err
		}
		docs[v] = d
	}
	product["versions"] = docs
	b, err := json.MarshalIndent(product, "", "    ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(base, "index.json"), b, 0o644); err != nil {
		return nil, err
	}
	pub, err := ArmoredPublic(key)
	if err != nil {
		return nil, err
	}
	toml := "\n[tools.terraform]\npgp-public-key = '''\n" + pub + "'''\n"
	if err := os.WriteFile(filepath.Join(root, "terraform", "key.toml"), []byte(toml), 0o644); err != nil {
		return nil, err
	}
	return map[string]string{Upstream: "terraform/"}, nil
}

// SHA256 is a helper for tests: the hex sha256 of b.
func SHA256(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
