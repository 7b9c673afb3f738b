package install

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"

	"github.com/jedisct1/go-minisign"
	"golang.org/x/crypto/blake2b"
)

// ChecksumMismatchError reports a download whose hash is not the expected
// one. Verify fills File; callers that know the URL set URL so the message
// names it.
type ChecksumMismatchError struct {
	// File is the local file that was checked.
	File string
	// URL is where File was downloaded from, if known.
	URL string
	// Algo is the hash algorithm, "sha256" or "sha512".
	Algo string
	// Expected and Actual are lowercase hex.
	Expected, Actual string
}

// Error returns the message.
func (e *ChecksumMismatchError) Error() string {
	what := e.URL
	if what == "" {
		what = e.File
	}
	return fmt.Sprintf("checksum mismatch for %s: expected %s:%s, got %s:%s", what, e.Algo, e.Expected, e.Algo, e.Actual)
}

// SignatureError reports a minisign signature that does not verify.
type SignatureError struct {
	// File is the signed file; SigFile the .minisig file.
	File, SigFile string
	// URL is where File was downloaded from, if known.
	URL string
	// PublicKey is the base64 minisign public key used.
	PublicKey string
	// Err says what failed.
	Err error
}

// Error returns the message.
func (e *SignatureError) Error() string {
	what := e.URL
	if what == "" {
		what = e.File
	}
	return fmt.Sprintf("minisign signature check failed for %s (signature %s, key %s): %v", what, e.SigFile, e.PublicKey, e.Err)
}

// Unwrap returns the underlying error.
func (e *SignatureError) Unwrap() error { return e.Err }

// Verify checks file against want. For sha256 and sha512 it hashes the file
// and returns a *[ChecksumMismatchError] on a difference. For minisign
// (want.Algo == AlgoMinisign, or pubKey != "") it verifies the minisign
// signature in sigFile with the public key (want.Value or pubKey) and returns
// a *[SignatureError] if it does not verify; both legacy ("Ed") and
// prehashed ("ED", BLAKE2b-512) signatures are accepted, and the trusted
// comment's global signature is checked too. A hash and a key may be given
// together: both checks must pass.
func Verify(file string, want Checksum, pubKey string, sigFile string) error {
	switch want.Algo {
	case AlgoSHA256, AlgoSHA512:
		got, err := HashFile(file, want.Algo)
		if err != nil {
			return err
		}
		if got != want.Value {
			return &ChecksumMismatchError{File: file, Algo: want.Algo, Expected: want.Value, Actual: got}
		}
	case AlgoMinisign:
		if pubKey == "" {
			pubKey = want.Value
		}
	case "":
		if pubKey == "" {
			return fmt.Errorf("verify %s: no checksum or public key given", file)
		}
	default:
		return fmt.Errorf("verify %s: unknown checksum algorithm %q", file, want.Algo)
	}
	if pubKey == "" {
		return nil
	}
	return verifyMinisign(file, pubKey, sigFile)
}

// VerifyDownload compares the hashes computed while downloading with want,
// without reading the file again. Minisign checksums need [Verify].
func VerifyDownload(res DownloadResult, want Checksum) error {
	var got string
	switch want.Algo {
	case AlgoSHA256:
		got = res.SHA256
	case AlgoSHA512:
		got = res.SHA512
	default:
		return fmt.Errorf("verify %s: %s checksums need Verify", res.URL, want.Algo)
	}
	if got != want.Value {
		return &ChecksumMismatchError{File: res.Path, URL: res.URL, Algo: want.Algo, Expected: want.Value, Actual: got}
	}
	return nil
}

// HashFile returns the lowercase hex sha256 or sha512 of a file.
func HashFile(file, algo string) (string, error) {
	var h hash.Hash
	switch algo {
	case AlgoSHA256:
		h = sha256.New()
	case AlgoSHA512:
		h = sha512.New()
	default:
		return "", fmt.Errorf("hash %s: unknown algorithm %q", file, algo)
	}
	f, err := os.Open(file)
	if err != nil {
		return "", fmt.Errorf("hash %s: %w", file, err)
	}
	defer f.Close()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", file, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func verifyMinisign(file, pubKey, sigFile string) error {
	fail := func(err error) error {
		return &SignatureError{File: file, SigFile: sigFile, PublicKey: pubKey, Err: err}
	}
	pk, err := minisign.NewPublicKey(pubKey)
	if err != nil {
		return fail(fmt.Errorf("invalid public key: %w", err))
	}
	if sigFile == "" {
		return fail(errors.New("no signature file"))
	}
	raw, err := os.ReadFile(sigFile)
	if err != nil {
		return fail(err)
	}
	sig, err := minisign.DecodeSignature(string(raw))
	if err != nil {
		return fail(fmt.Errorf("invalid signature file: %w", err))
	}
	var msg []byte
	switch string(sig.SignatureAlgorithm[:]) {
	case "ED":
		// Prehashed: the signature covers BLAKE2b-512 of the file. Hash it
		// streaming and verify that digest as a pure ("Ed") message, which is
		// exactly what go-minisign does after hashing in memory.
		h, _ := blake2b.New512(nil)
		f, err := os.Open(file)
		if err != nil {
			return fail(err)
		}
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return fail(err)
		}
		msg = h.Sum(nil)
		sig.SignatureAlgorithm = [2]byte{'E', 'd'}
	case "Ed":
		msg, err = os.ReadFile(file)
		if err != nil {
			return fail(err)
		}
	default:
		return fail(fmt.Errorf("unsupported signature algorithm %q", sig.SignatureAlgorithm[:]))
	}
	if ok, err := pk.Verify(msg, sig); !ok || err != nil {
		if err == nil {
			err = errors.New("invalid signature")
		}
		return fail(err)
	}
	return nil
}
