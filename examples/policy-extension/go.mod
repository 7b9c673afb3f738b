module example.com/policy-extension

go 1.24

require (
	github.com/tote-dev/tote/api v0.0.0
	github.com/tote-dev/tote/sdk v0.0.0
)

require github.com/extism/go-pdk v1.1.3 // indirect

replace (
	github.com/tote-dev/tote/api => ../../api
	github.com/tote-dev/tote/sdk => ../../sdk
)
