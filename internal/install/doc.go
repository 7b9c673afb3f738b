// Package install holds the host's install primitives: downloading with
// resume and retries ([Downloader]), checksums and signatures
// ([ParseChecksum], [FindInChecksumFile], [Verify]) and safe archive
// unpacking ([Unpack]).
//
// The pieces do not know about plugins or the store: the install flow
// (download_prebuilt → download → verify → unpack into a staging directory
// → commit) composes them with internal/store.
package install
