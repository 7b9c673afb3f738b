package runtime

import (
	"github.com/tote-dev/tote/api"
)

// sendRequest is send_request(SendRequestInput) -> SendRequestOutput, served
// by services.Services.Request. As in proto, the body is written to plugin
// memory as its own block whose offset and length are in the output; "body"
// stays empty.
func (p *Plugin) sendRequest(hc *hostCall, args []uint64) (uint64, error) {
	var in api.SendRequestInput
	if err := hc.readJSON(args[0], &in); err != nil {
		return 0, err
	}
	resp, err := p.svc.Request(hc.ctx, in)
	if err != nil {
		return 0, err
	}
	out := api.SendRequestOutput{Status: resp.Status, BodyLength: uint64(len(resp.Body)), Headers: resp.Headers}
	if out.BodyOffset, err = hc.write(resp.Body); err != nil {
		return 0, err
	}
	return hc.writeJSON(out)
}

// downloadFile is download_file(DownloadFileInput) -> DownloadFileOutput,
// served by services.Services.Download.
func (p *Plugin) downloadFile(hc *hostCall, args []uint64) (uint64, error) {
	var in api.DownloadFileInput
	if err := hc.readJSON(args[0], &in); err != nil {
		return 0, err
	}
	out, err := p.svc.Download(hc.ctx, in)
	if err != nil {
		return 0, err
	}
	return hc.writeJSON(out)
}
