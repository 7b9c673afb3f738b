package runtime

import (
	"github.com/tote-dev/tote/api"
)

// execCommand is exec_command(ExecCommandInput) -> ExecCommandOutput,
// served by services.Services.Exec under the call's context, so the call
// timeout also ends the command.
func (p *Plugin) execCommand(hc *hostCall, args []uint64) (uint64, error) {
	var in api.ExecCommandInput
	if err := hc.readJSON(args[0], &in); err != nil {
		return 0, err
	}
	out, err := p.svc.Exec(hc.ctx, in)
	if err != nil {
		return 0, err
	}
	return hc.writeJSON(out)
}
