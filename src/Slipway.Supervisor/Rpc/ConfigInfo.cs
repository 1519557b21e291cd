using Slipway.Supervisor.Daemon;

namespace Slipway.Supervisor.Rpc;

/// <summary>getAllConfigInfo: every configured program's settings, as supervisord names them.</summary>
internal static class ConfigInfo
{
    internal static List<object?> For(SupervisorDaemon daemon)
    {
        var result = new List<object?>();
        foreach (var g in daemon.Config.Groups)
        {
            var inuse = daemon.FindGroup(g.Name) is not null;
            foreach (var p in g.Processes)
            {
                var info = new Dictionary<string, object?>
                {
                    ["autostart"] = p.AutoStart,
                    ["autorestart"] = p.AutoRestart switch
                    {
                        Config.AutoRestart.Always => true,
                        Config.AutoRestart.Never => false,
                        _ => "unexpected",
                    },
                    ["directory"] = p.Directory ?? "none",
                    ["uid"] = p.User is null ? "none" : (object?)(int)Native.PosixSpawner.LookUpUser(p.User).Uid,
                    ["command"] = p.Command,
                    ["exitcodes"] = p.ExitCodes.Select(c => (object?)c).ToList(),
                    ["group"] = g.Name,
                    ["group_prio"] = g.Priority,
                    ["inuse"] = inuse,
                    ["killasgroup"] = p.KillAsGroup,
                    ["name"] = p.Name,
                    ["process_prio"] = p.Priority,
                    ["redirect_stderr"] = p.RedirectStderr,
                    ["startretries"] = p.StartRetries,
                    ["startsecs"] = p.StartSecs,
                    ["stopsignal"] = p.StopSignal,
                    ["stopwaitsecs"] = p.StopWaitSecs,
                    ["serverurl"] = p.ServerUrl ?? "auto",
                };
                foreach (var (channel, c) in new[] { ("stdout", p.Stdout), ("stderr", p.Stderr) })
                {
                    info[channel + "_capture_maxbytes"] = c.CaptureMaxBytes;
                    info[channel + "_events_enabled"] = c.EventsEnabled;
                    info[channel + "_logfile"] = c.IsAuto ? "auto" : c.File ?? "none";
                    info[channel + "_logfile_backups"] = c.Backups;
                    info[channel + "_logfile_maxbytes"] = c.MaxBytes;
                    info[channel + "_syslog"] = c.Syslog;
                }

                result.Add(info);
            }
        }

        return result.OrderBy(r => (string)((Dictionary<string, object?>)r!)["name"]!, StringComparer.Ordinal).ToList();
    }
}
