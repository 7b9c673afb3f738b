module github.com/tote-dev/tote/sdk

go 1.24

replace github.com/tote-dev/tote/api => ../api
