using System.Globalization;

namespace Slipway.Supervisor.Config;

/// <summary>Turns one <c>[program:x]</c> section into its numprocs <see cref="ProcessConfig"/>s.</summary>
internal static class ProcessReader
{
    public static List<ProcessConfig> Read(IniSection s, string programName, string groupName,
        Dictionary<string, string> baseNames, DaemonOptions daemon, string workingDirectory)
    {
        var names = new Dictionary<string, string>(baseNames, StringComparer.Ordinal)
        {
            ["program_name"] = programName,
            ["group_name"] = groupName,
        };
        var r = new SectionReader(s, s.Name, names);
        if (s.Get("command") is null)
        {
            throw ConfigException.At(s, $"program section {s.Name} does not specify a command");
        }

        var numprocs = r.Get("numprocs", DataTypes.WholeNumber, 1);
        if (numprocs < 1)
        {
            throw r.Error("numprocs", "numprocs must be at least 1");
        }

        var numprocsStart = r.Get("numprocs_start", DataTypes.NonNegative, 0);
        var processNameRaw = r.Raw("process_name") ?? "%(program_name)s";
        if (numprocs > 1 && !processNameRaw.Contains("%(process_num)", StringComparison.Ordinal))
        {
            throw r.Error("process_name", "%(process_num) must be present within process_name when numprocs > 1");
        }

        var stopAsGroup = r.Get("stopasgroup", DataTypes.Boolean, false);
        var killAsGroup = r.Get("killasgroup", DataTypes.Boolean, stopAsGroup);
        if (stopAsGroup && !killAsGroup)
        {
            throw r.Error("killasgroup", "Cannot set stopasgroup=true and killasgroup=false");
        }

        var result = new List<ProcessConfig>();
        for (var n = numprocsStart; n < numprocsStart + numprocs; n++)
        {
            r.Names = new Dictionary<string, string>(names, StringComparer.Ordinal)
            {
                ["process_num"] = n.ToString(CultureInfo.InvariantCulture),
                ["numprocs"] = numprocs.ToString(CultureInfo.InvariantCulture),
            };
            var processName = r.Get("process_name", v => v, programName);
            var environment = r.Get("environment", DataTypes.Environment, []);
            var withEnv = new Dictionary<string, string>(r.Names, StringComparer.Ordinal);
            foreach (var (k, v) in environment)
            {
                withEnv["ENV_" + k] = v;
            }

            r.Names = withEnv;
            var redirect = r.Get("redirect_stderr", DataTypes.Boolean, false);
            result.Add(new ProcessConfig
            {
                Name = processName,
                Command = r.Get("command", v => v, ""),
                Priority = r.Get("priority", DataTypes.WholeNumber, 999),
                AutoStart = r.Get("autostart", DataTypes.Boolean, true),
                AutoRestart = r.Get("autorestart", ParseAutoRestart, AutoRestart.Unexpected),
                StartSecs = r.Get("startsecs", DataTypes.NonNegative, 1),
                StartRetries = r.Get("startretries", DataTypes.NonNegative, 3),
                ExitCodes = r.Get("exitcodes", DataTypes.ExitCodes, [0]),
                StopSignal = r.Get("stopsignal", DataTypes.Signal, 15),
                StopWaitSecs = r.Get("stopwaitsecs", DataTypes.NonNegative, 10),
                StopAsGroup = stopAsGroup,
                KillAsGroup = killAsGroup,
                User = r.Get<string?>("user", v => v, null),
                RedirectStderr = redirect,
                Stdout = Channel(r, "stdout", workingDirectory),
                Stderr = redirect ? Channel(r, "stderr", workingDirectory) with { File = null, IsAuto = false } : Channel(r, "stderr", workingDirectory),
                Environment = environment,
                Directory = r.Path("directory", workingDirectory),
                Umask = r.Get<int?>("umask", v => DataTypes.Octal(v), null),
                ServerUrl = r.Get<string?>("serverurl", v => v.Equals("AUTO", StringComparison.OrdinalIgnoreCase) ? null : v, null),
                Program = programName,
                Extras = ExtrasReader.Read(r, workingDirectory, daemon),
            });
        }

        return result;
    }

    private static AutoRestart ParseAutoRestart(string value) => value.ToLowerInvariant() switch
    {
        "unexpected" => AutoRestart.Unexpected,
        _ => DataTypes.Boolean(value) ? AutoRestart.Always : AutoRestart.Never,
    };

    private static LogChannelConfig Channel(SectionReader r, string channel, string workingDirectory)
    {
        var file = r.Get<string?>(channel + "_logfile", v => v, "AUTO");
        string? path = null;
        var isAuto = false;
        if (file is null || file.Equals("AUTO", StringComparison.OrdinalIgnoreCase))
        {
            isAuto = true;
        }
        else if (!file.Equals("NONE", StringComparison.OrdinalIgnoreCase) && !file.Equals("OFF", StringComparison.OrdinalIgnoreCase))
        {
            path = Path.GetFullPath(file, workingDirectory);
            var directory = Path.GetDirectoryName(path);
            if (directory is not null && !Directory.Exists(directory))
            {
                throw r.Error(channel + "_logfile", $"The directory named as part of the path {path} does not exist");
            }
        }

        return new LogChannelConfig(
            path,
            isAuto,
            r.Get(channel + "_logfile_maxbytes", DataTypes.ByteSize, 50L * 1024 * 1024),
            r.Get(channel + "_logfile_backups", DataTypes.NonNegative, 10),
            r.Get(channel + "_capture_maxbytes", DataTypes.ByteSize, 0L),
            r.Get(channel + "_events_enabled", DataTypes.Boolean, false),
            r.Get(channel + "_syslog", DataTypes.Boolean, false));
    }
}
