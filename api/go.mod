module github.com/tote-dev/tote/api

go 1.24
