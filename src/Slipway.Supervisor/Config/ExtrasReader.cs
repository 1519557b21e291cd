using System.Globalization;

namespace Slipway.Supervisor.Config;

/// <summary>Reads the beyond-supervisord options of a program section (see <see cref="ProcessExtras"/>).</summary>
internal static class ExtrasReader
{
    public static ProcessExtras Read(SectionReader r, string workingDirectory, DaemonOptions daemon)
    {
        var health = r.Get<string?>("healthcheck", v => v.Trim(), null);
        HealthCheckConfig? check = null;
        if (health is not null)
        {
            var interval = r.Get("healthcheck_interval", Seconds, 10.0);
            var timeout = r.Get("healthcheck_timeout", Seconds, 5.0);
            var retries = r.Get("healthcheck_retries", DataTypes.WholeNumber, 3);
            var startPeriod = r.Get("healthcheck_start_period", Seconds, 0.0);
            if (startPeriod < 0)
            {
                throw r.Error("healthcheck_start_period", "must be 0 or more seconds");
            }
            if (interval <= 0)
            {
                throw r.Error("healthcheck_interval", "must be more than 0 seconds");
            }

            if (timeout <= 0)
            {
                throw r.Error("healthcheck_timeout", "must be more than 0 seconds");
            }

            if (retries < 1)
            {
                throw r.Error("healthcheck_retries", "must be at least 1");
            }

            var restart = r.Get("healthcheck_action", Action, true);
            check = r.Get("healthcheck", v => HealthCheckConfig.Parse(v.Trim(), TimeSpan.FromSeconds(interval), TimeSpan.FromSeconds(timeout), retries, restart), null!)
                with { StartPeriod = TimeSpan.FromSeconds(startPeriod) };
        }
        else
        {
            foreach (var orphan in new[] { "healthcheck_interval", "healthcheck_timeout", "healthcheck_retries", "healthcheck_start_period", "healthcheck_action" })
            {
                if (r.Raw(orphan) is not null)
                {
                    throw r.Error(orphan, "has no effect without healthcheck=");
                }
            }
        }

        var backoffMax = r.Get<int?>("backoff_max", v => DataTypes.WholeNumber(v), null);
        if (backoffMax is < 1)
        {
            throw r.Error("backoff_max", "must be at least 1 (seconds)");
        }

        var restartDelay = r.Get("restartdelay", Seconds, 0.0);
        var restartDelayMax = r.Get<double?>("restartdelay_max", v => Seconds(v), null);
        if (restartDelayMax is { } cap && (cap <= 0 || cap < restartDelay))
        {
            throw r.Error("restartdelay_max", $"must be above 0 and at least restartdelay ({restartDelay.ToString(CultureInfo.InvariantCulture)} s)");
        }

        return new ProcessExtras
        {
            DependsOn = r.Get<IReadOnlyList<string>>("depends_on", Names, []),
            RestartDelay = restartDelay,
            RestartDelayMax = restartDelayMax,
            BackoffMax = backoffMax,
            FatalExit = r.Get("fatal_exit", DataTypes.Boolean, false),
            EnvFiles = r.Get<IReadOnlyList<string>>("envfile", v => EnvFiles(v, workingDirectory), []),
            KillTree = r.Get("killtree", DataTypes.Boolean, false),
            HealthCheck = check,
            SyslogForward = r.Raw("syslog_forward") is null ? daemon.SyslogForward : r.Get<string?>("syslog_forward", ForwardTarget, null),
        };
    }

    /// <summary><c>tcp://HOST:PORT</c> → "HOST:PORT"; <c>none</c>/<c>off</c> → null (no forwarding).</summary>
    public static string? ForwardTarget(string value)
    {
        var text = value.Trim();
        if (text.Equals("none", StringComparison.OrdinalIgnoreCase) || text.Equals("off", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (!text.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"'{value}' is not tcp://HOST:PORT (or none)");
        }

        var target = text[6..].TrimEnd('/');
        var colon = target.LastIndexOf(':');
        return colon > 0 && int.TryParse(target[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? target
            : throw new FormatException($"'{value}' is not tcp://HOST:PORT (or none)");
    }

    public static int PositiveCount(string value) =>
        int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new FormatException($"'{value}' is not a positive number");

    /// <summary>A number of seconds, fractions allowed, with an optional <c>s</c>: <c>5</c>, <c>0.5</c>, <c>2s</c>.</summary>
    public static double Seconds(string value)
    {
        var text = value.Trim();
        if (text.EndsWith('s'))
        {
            text = text[..^1];
        }

        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? seconds
            : throw new FormatException($"'{value}' is not a number of seconds");
    }

    private static bool Action(string value) => value.Trim().ToLowerInvariant() switch
    {
        "restart" => true,
        "none" => false,
        _ => throw new FormatException($"'{value}' is not restart or none"),
    };

    private static List<string> Names(string value)
    {
        var names = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        foreach (var n in names)
        {
            if (n.Contains(':', StringComparison.Ordinal) || n.Any(char.IsWhiteSpace))
            {
                throw new FormatException($"'{n}' is not a program or group name");
            }
        }

        return names.Distinct(StringComparer.Ordinal).ToList();
    }

    private static List<string> EnvFiles(string value, string workingDirectory) =>
        value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.StartsWith('-') ? "-" + Path.GetFullPath(f[1..], workingDirectory) : Path.GetFullPath(f, workingDirectory))
            .ToList();
}
