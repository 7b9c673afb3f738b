module github.com/tote-dev/tote/sdk

go 1.24

require (
	github.com/extism/go-pdk v1.1.3
	github.com/tote-dev/tote/api v0.0.0
)

replace github.com/tote-dev/tote/api => ../api
