module github.com/tote-dev/tote/sdk/plugintest

go 1.26.0

// No replace lines: in tote's repository, go.work resolves tote's modules
// to the checkout (plugintest imports only their public packages). go mod
// tidy ignores go.work, so tidy this file with temporary replaces:
//
//	go mod edit -replace github.com/tote-dev/tote=../.. -replace github.com/tote-dev/tote/api=../../api -replace github.com/tote-dev/tote/sdk=..
//	go mod tidy
//	go mod edit -dropreplace github.com/tote-dev/tote -dropreplace github.com/tote-dev/tote/api -dropreplace github.com/tote-dev/tote/sdk

require (
	github.com/gofrs/flock v0.12.1
	github.com/pelletier/go-toml/v2 v2.2.4
	github.com/tote-dev/tote v0.0.0
	github.com/tote-dev/tote/api v0.0.0
	github.com/ulikunitz/xz v0.5.12
)

require (
	github.com/VividCortex/ewma v1.2.0 // indirect
	github.com/acarl005/stripansi v0.0.0-20180116102854-5a71ef0e047d // indirect
	github.com/clipperhouse/uax29/v2 v2.7.0 // indirect
	github.com/dylibso/observe-sdk/go v0.0.0-20240819160327-2d926c5d788a // indirect
	github.com/extism/go-pdk v1.1.3 // indirect
	github.com/extism/go-sdk v1.7.1 // indirect
	github.com/gobwas/glob v0.2.3 // indirect
	github.com/ianlancetaylor/demangle v0.0.0-20240805132620-81f5be970eca // indirect
	github.com/jedisct1/go-minisign v0.0.0-20241212093149-d2f9f49435c7 // indirect
	github.com/klauspost/compress v1.18.0 // indirect
	github.com/mattn/go-runewidth v0.0.30 // indirect
	github.com/opencontainers/go-digest v1.0.0 // indirect
	github.com/opencontainers/image-spec v1.1.1 // indirect
	github.com/tetratelabs/wabin v0.0.0-20230304001439-f6f874872834 // indirect
	github.com/tetratelabs/wazero v1.12.0 // indirect
	github.com/therootcompany/xz v1.0.1 // indirect
	github.com/tote-dev/tote/sdk v0.0.0 // indirect
	github.com/vbauerster/cupwriter v0.0.5 // indirect
	github.com/vbauerster/mpb/v8 v8.16.2 // indirect
	go.opentelemetry.io/proto/otlp v1.3.1 // indirect
	golang.org/x/crypto v0.33.0 // indirect
	golang.org/x/sync v0.14.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/term v0.47.0 // indirect
	google.golang.org/protobuf v1.34.2 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
	oras.land/oras-go/v2 v2.6.0 // indirect
)
