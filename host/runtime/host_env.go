package runtime

import (
	"encoding/json"
	"strings"

	"github.com/tote-dev/tote/api"
)

// getEnvVar is get_env_var(name) -> value, served by
// services.Services.LookupEnv: the plugin's overlay first, then tote's
// environment; "" when unset.
func (p *Plugin) getEnvVar(hc *hostCall, args []uint64) (uint64, error) {
	if err := p.svc.CheckEnvRead(); err != nil {
		return 0, err // refuse before copying the name out of plugin memory
	}
	name, err := hc.readString(args[0])
	if err != nil {
		return 0, err
	}
	v, err := p.svc.LookupEnv(name)
	if err != nil {
		return 0, err
	}
	return hc.write([]byte(v))
}

// setEnvVar is set_env_var(name, value), served by services.Services.SetEnv:
// it sets the variable in the plugin's overlay only.
func (p *Plugin) setEnvVar(hc *hostCall, args []uint64) (uint64, error) {
	if err := p.svc.CheckEnvWrite(); err != nil {
		return 0, err
	}
	name, err := hc.readString(args[0])
	if err != nil {
		return 0, err
	}
	value, err := hc.readString(args[1])
	if err != nil {
		return 0, err
	}
	return 0, p.svc.SetEnv(name, value)
}

// hostLog is host_log(input), served by services.Services.HostLog. At most
// maxLogsPerCall messages are accepted per plugin call.
func (p *Plugin) hostLog(hc *hostCall, args []uint64) (uint64, error) {
	// Count before reading, so a flood past the limit costs the host
	// nothing: the dropped messages are never copied out of plugin memory.
	p.logCount++
	if p.logCount > maxLogsPerCall {
		if p.logCount == maxLogsPerCall+1 {
			p.logger.Warn("plugin logs too much; dropping its further messages in this call", "limit", maxLogsPerCall)
		}
		return 0, nil
	}
	var in api.HostLogInput
	if err := hc.readJSON(args[0], &in); err != nil {
		return 0, err
	}
	p.svc.HostLog(hc.ctx, in)
	return 0, nil
}

// pathArg decodes a path argument: proto sends a plain string, but a JSON
// string or VirtualPath object is accepted too.
func pathArg(s string) string {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "{") || strings.HasPrefix(t, `"`) {
		var vp api.VirtualPath
		if json.Unmarshal([]byte(t), &vp) == nil {
			return vp.Path
		}
	}
	return s
}

// fromVirtualPath is from_virtual_path(virtual) -> real.
func (p *Plugin) fromVirtualPath(hc *hostCall, args []uint64) (uint64, error) {
	s, err := hc.readString(args[0])
	if err != nil {
		return 0, err
	}
	real, err := p.svc.ToReal(pathArg(s))
	if err != nil {
		return 0, err
	}
	return hc.write([]byte(real))
}

// toVirtualPath is to_virtual_path(real) -> virtual.
func (p *Plugin) toVirtualPath(hc *hostCall, args []uint64) (uint64, error) {
	s, err := hc.readString(args[0])
	if err != nil {
		return 0, err
	}
	v, err := p.svc.ToVirtual(pathArg(s))
	if err != nil {
		return 0, err
	}
	return hc.write([]byte(v))
}
