package terraform

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/tote-dev/tote/api"
	"github.com/tote-dev/tote/plugins/internal/sums"
	"github.com/tote-dev/tote/plugins/pluginhost"
	"github.com/tote-dev/tote/sdk"
)

// Product is releases.hashicorp.com/<product>/index.json.
type Product struct {
	Name     string                `json:"name"`
	Versions map[string]VersionDoc `json:"versions"`
}

// VersionDoc is one version's entry (also <product>/<version>/index.json).
type VersionDoc struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Shasums is the SHA256SUMS file name.
	Shasums string `json:"shasums"`
	// ShasumsSignature is the signature by the current key ("…_SHA256SUMS.sig").
	ShasumsSignature string `json:"shasums_signature"`
	// ShasumsSignatures are the signatures by each key ("…_SHA256SUMS.<keyid>.sig").
	ShasumsSignatures []string `json:"shasums_signatures"`
	Builds            []Build  `json:"builds"`
}

// Build is one downloadable file.
type Build struct {
	OS       string `json:"os"`
	Arch     string `json:"arch"`
	Filename string `json:"filename"`
	URL      string `json:"url"`
}

// LoadVersions lists every version of the product index, newest stable
// first as latest; pre-releases (-alpha, -beta, -rc) are listed but never
// latest.
func LoadVersions(ctx context.Context, h pluginhost.Host, in api.LoadVersionsInput) (api.LoadVersionsOutput, error) {
	cfg, err := config(h)
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	url := cfg.DistURL + "index.json"
	body, err := h.Fetch(ctx, url)
	if err != nil {
		return api.LoadVersionsOutput{}, err
	}
	var p Product
	if err := json.Unmarshal(body, &p); err != nil {
		return api.LoadVersionsOutput{}, pluginhost.Errorf("list versions: %s is not a HashiCorp product index: %v", url, err)
	}
	var versions []string
	for v := range p.Versions {
		if s, err := sdk.ParseSpec(v); err == nil && s.Kind == sdk.SpecExact {
			versions = append(versions, v)
		}
	}
	if len(versions) == 0 {
		return api.LoadVersionsOutput{}, pluginhost.Errorf("list versions: %s lists no versions", url)
	}
	sdk.SortVersions(versions)
	out := api.LoadVersionsOutput{Versions: versions}
	for i := len(versions) - 1; i >= 0; i-- {
		if !strings.Contains(versions[i], "-") {
			out.Latest = versions[i]
			out.Aliases = map[string]string{"latest": out.Latest, "stable": out.Latest}
			break
		}
	}
	return out, nil
}

// DownloadPrebuilt reads the version's index, fetches SHA256SUMS and its
// signature, verifies the signature, and returns the zip with the sha256
// that the verified file gives for it.
func DownloadPrebuilt(ctx context.Context, h pluginhost.Host, in api.DownloadPrebuiltInput) (api.DownloadPrebuiltOutput, error) {
	cfg, err := config(h)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	env := h.Env()
	ver := strings.TrimPrefix(strings.TrimSpace(in.Context.Version), "v")
	if s, err := sdk.ParseSpec(ver); err != nil || s.Kind != sdk.SpecExact {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("download terraform: %q is not a full version", in.Context.Version)
	}
	os, arch, err := platform(env)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	base := cfg.DistURL + ver + "/"
	body, err := h.Fetch(ctx, base+"index.json")
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	var doc VersionDoc
	if err := json.Unmarshal(body, &doc); err != nil {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("%sindex.json is not a HashiCorp version index: %v", base, err)
	}
	if doc.Version != ver {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("%sindex.json describes version %q, not %s", base, doc.Version, ver)
	}
	var build *Build
	var have []string
	for i, b := range doc.Builds {
		have = append(have, b.OS+"/"+b.Arch)
		if b.OS == os && b.Arch == arch {
			build = &doc.Builds[i]
		}
	}
	if build == nil {
		sort.Strings(have)
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("terraform %s is not available for %s/%s (it is built for %s)", ver, os, arch, strings.Join(have, ", "))
	}
	if !safeName(build.Filename) || !safeName(doc.Shasums) {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("%sindex.json names unsafe files (%q, %q)", base, build.Filename, doc.Shasums)
	}
	sumsBody, err := h.Fetch(ctx, base+doc.Shasums)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, err
	}
	if sig := signatureFile(doc, cfg.PGPPublicKey != ""); sig != "" {
		if !safeName(sig) {
			return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("%sindex.json names an unsafe signature file %q", base, sig)
		}
		sigBody, err := h.Fetch(ctx, base+sig)
		if err != nil {
			return api.DownloadPrebuiltOutput{}, err
		}
		if err := Verify(cfg.PGPPublicKey, sumsBody, sigBody); err != nil {
			return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("%s%s: %v", base, doc.Shasums, err)
		}
	} else {
		h.Log(api.LogWarn, "terraform "+ver+": the release lists no signature of "+doc.Shasums+"; its checksums are not authenticated")
	}
	hex, err := sums.Find(sumsBody, build.Filename)
	if err != nil {
		return api.DownloadPrebuiltOutput{}, pluginhost.Errorf("%s%s: %v", base, doc.Shasums, err)
	}
	url := base + build.Filename
	return api.DownloadPrebuiltOutput{DownloadURL: url, DownloadName: build.Filename, Checksum: api.Checksum("sha256:" + hex)}, nil
}

// signatureFile picks the signature to check: with HashiCorp's key, the
// one named for its key id (…_SHA256SUMS.72D7468F.sig) when listed, else
// the unqualified one; with a configured key, the unqualified one.
func signatureFile(doc VersionDoc, customKey bool) string {
	if !customKey {
		suffix := "." + HashiCorpFingerprint[len(HashiCorpFingerprint)-8:] + ".sig"
		for _, s := range doc.ShasumsSignatures {
			if strings.HasSuffix(s, suffix) {
				return s
			}
		}
	}
	if doc.ShasumsSignature != "" {
		return doc.ShasumsSignature
	}
	for _, s := range doc.ShasumsSignatures {
		if strings.HasSuffix(s, "_SHA256SUMS.sig") {
			return s
		}
	}
	return ""
}

// Verify checks a detached OpenPGP signature (binary or armored) of
// content with an armored key: HashiCorp's, whose fingerprint must be
// HashiCorpFingerprint, when armoredKey is "".
func Verify(armoredKey string, content, signature []byte) error {
	key, pinned := armoredKey, ""
	if key == "" {
		key, pinned = HashiCorpKey, HashiCorpFingerprint
	}
	ring, err := openpgp.ReadArmoredKeyRing(strings.NewReader(key))
	if err != nil {
		return fmt.Errorf("cannot read the signing key: %v", err)
	}
	if pinned != "" {
		if len(ring) != 1 || fmt.Sprintf("%X", ring[0].PrimaryKey.Fingerprint) != pinned {
			return fmt.Errorf("the embedded HashiCorp key does not have fingerprint %s", pinned)
		}
	}
	check := openpgp.CheckDetachedSignature
	if bytes.HasPrefix(bytes.TrimSpace(signature), []byte("-----BEGIN PGP SIGNATURE-----")) {
		check = openpgp.CheckArmoredDetachedSignature
	}
	signer, err := check(ring, bytes.NewReader(content), bytes.NewReader(signature), nil)
	if err != nil {
		return fmt.Errorf("signature check failed: %v", err)
	}
	if signer == nil {
		return fmt.Errorf("signature check failed: no signer")
	}
	return nil
}

// platform is HashiCorp's os/arch naming (Go's).
func platform(env api.HostEnvironment) (string, string, error) {
	os, ok := map[api.HostOS]string{
		api.OSLinux: "linux", api.OSMacOS: "darwin", api.OSWindows: "windows",
		api.OSFreeBSD: "freebsd", api.OSOpenBSD: "openbsd", api.OSSolaris: "solaris",
	}[env.OS]
	arch, ok2 := map[api.HostArch]string{
		api.ArchX64: "amd64", api.ArchArm64: "arm64", api.ArchX86: "386", api.ArchArm: "arm",
	}[env.Arch]
	if !ok || !ok2 {
		return "", "", pluginhost.Errorf("terraform is not available for %s/%s", env.OS, env.Arch)
	}
	return os, arch, nil
}

// safeName accepts a plain file name (no path, no traversal).
func safeName(n string) bool {
	return n != "" && n != "." && n != ".." && !strings.ContainsAny(n, "/\\?#") && len(n) < 256
}
