package api_test

import (
	"encoding/json"
	"fmt"

	"github.com/tote-dev/tote/api"
)

// A plugin's download_prebuilt answer, as it travels on the wire.
func ExampleDownloadPrebuiltOutput() {
	out := api.DownloadPrebuiltOutput{
		DownloadURL:   "https://nodejs.org/dist/v20.11.1/node-v20.11.1-linux-x64.tar.xz",
		ArchivePrefix: "node-v20.11.1-linux-x64",
		ChecksumURL:   "https://nodejs.org/dist/v20.11.1/SHASUMS256.txt",
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
	// Output: {"download_url":"https://nodejs.org/dist/v20.11.1/node-v20.11.1-linux-x64.tar.xz","archive_prefix":"node-v20.11.1-linux-x64","checksum_url":"https://nodejs.org/dist/v20.11.1/SHASUMS256.txt"}
}
