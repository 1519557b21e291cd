using System.Globalization;
using System.Text;
using Slipway.Supervisor.Daemon;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Http;

/// <summary>One process as <c>/metrics</c> reports it.</summary>
public sealed record ProcessSample(string Group, string Name, ProcessState State, double UptimeSeconds, int Starts, long? RssBytes,
    bool? Healthy, long HealthCheckFailures, bool HasHealthCheck);

/// <summary>What the daemon reports about itself on <c>/metrics</c>.</summary>
public sealed record DaemonSample(bool Running, long RssBytes, double UptimeSeconds, long LogForwardDropped, long LogForwardSent, bool Forwarding)
{
    /// <summary>Bytes of program output the child logs could not write (a full disk).</summary>
    public long LogDroppedBytes { get; init; }
}

/// <summary><c>GET /metrics</c>: the Prometheus text exposition format (version 0.0.4).</summary>
public static class Metrics
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The daemon's snapshot with the resident sizes read now from /proc.</summary>
    public static string Render(DaemonSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var daemon = new DaemonSample(snapshot.Running, Rss(snapshot.Pid) ?? 0, snapshot.UptimeSeconds, snapshot.LogForwardDropped,
            snapshot.LogForwardSent, snapshot.Forwarding) { LogDroppedBytes = snapshot.LogDroppedBytes };
        var processes = snapshot.Processes.Select(p => new ProcessSample(p.Group, p.Name, p.State, p.UptimeSeconds, p.Starts,
            p.Pid > 0 ? Rss(p.Pid) : null, p.Healthy, p.HealthCheckFailures, p.HasHealthCheck)).ToList();
        return Render(daemon, processes);
    }

    public static string Render(DaemonSample daemon, IReadOnlyList<ProcessSample> processes)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        ArgumentNullException.ThrowIfNull(processes);
        var b = new StringBuilder();
        Family(b, "supervisor_up", "gauge", "1 while the daemon runs, 0 once it is shutting down or restarting.");
        Line(b, "supervisor_up", "", daemon.Running ? 1 : 0);
        Family(b, "supervisor_resident_memory_bytes", "gauge", "Resident set size of the daemon.");
        Line(b, "supervisor_resident_memory_bytes", "", daemon.RssBytes);
        Family(b, "supervisor_uptime_seconds", "gauge", "Seconds since the daemon started.");
        Line(b, "supervisor_uptime_seconds", "", Math.Round(daemon.UptimeSeconds, 3));
        Family(b, "supervisor_log_dropped_bytes_total", "counter", "Bytes of program output dropped because a log file could not be written (disk full).");
        Line(b, "supervisor_log_dropped_bytes_total", "", daemon.LogDroppedBytes);
        if (daemon.Forwarding)
        {
            Family(b, "supervisor_log_forward_lines_total", "counter", "Lines sent to the syslog_forward server.");
            Line(b, "supervisor_log_forward_lines_total", "", daemon.LogForwardSent);
            Family(b, "supervisor_log_forward_dropped_total", "counter", "Lines dropped because the syslog_forward buffer was full.");
            Line(b, "supervisor_log_forward_dropped_total", "", daemon.LogForwardDropped);
        }

        Family(b, "supervisor_process_state", "gauge", "supervisord state code: 0 STOPPED, 10 STARTING, 20 RUNNING, 30 BACKOFF, 40 STOPPING, 100 EXITED, 200 FATAL, 1000 UNKNOWN.");
        foreach (var p in processes)
        {
            Line(b, "supervisor_process_state", Labels(p) + ",state=\"" + ProcessStates.Name(p.State) + "\"", (int)p.State);
        }

        Family(b, "supervisor_process_running", "gauge", "1 when the process is RUNNING.");
        foreach (var p in processes)
        {
            Line(b, "supervisor_process_running", Labels(p), p.State == ProcessState.Running ? 1 : 0);
        }

        Family(b, "supervisor_process_starts_total", "counter", "Times the process was spawned.");
        foreach (var p in processes)
        {
            Line(b, "supervisor_process_starts_total", Labels(p), p.Starts);
        }

        Family(b, "supervisor_process_restarts_total", "counter", "Spawns after the first one (autorestarts, retries, restarts).");
        foreach (var p in processes)
        {
            Line(b, "supervisor_process_restarts_total", Labels(p), Math.Max(0, p.Starts - 1));
        }

        Family(b, "supervisor_process_uptime_seconds", "gauge", "Seconds since the running process was spawned (0 when not running).");
        foreach (var p in processes)
        {
            Line(b, "supervisor_process_uptime_seconds", Labels(p), Math.Round(p.UptimeSeconds, 3));
        }

        Family(b, "supervisor_process_resident_memory_bytes", "gauge", "Resident set size of the process (main process only).");
        foreach (var p in processes.Where(p => p.RssBytes is not null))
        {
            Line(b, "supervisor_process_resident_memory_bytes", Labels(p), p.RssBytes!.Value);
        }

        if (processes.Any(p => p.HasHealthCheck))
        {
            Family(b, "supervisor_process_healthy", "gauge", "1 healthy, 0 unhealthy, -1 not known yet (processes with a healthcheck).");
            foreach (var p in processes.Where(p => p.HasHealthCheck))
            {
                Line(b, "supervisor_process_healthy", Labels(p), p.Healthy switch { true => 1, false => 0, null => -1 });
            }

            Family(b, "supervisor_process_health_check_failures_total", "counter", "Failed health checks.");
            foreach (var p in processes.Where(p => p.HasHealthCheck))
            {
                Line(b, "supervisor_process_health_check_failures_total", Labels(p), p.HealthCheckFailures);
            }
        }

        return b.ToString();
    }

    /// <summary>The resident set size of a pid from /proc/PID/statm (null when it is gone).</summary>
    public static long? Rss(int pid)
    {
        try
        {
            var statm = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/statm");
            var fields = statm.Split(' ');
            return fields.Length > 1 && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pages)
                ? pages * Environment.SystemPageSize
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Labels(ProcessSample p) => $"group=\"{Escape(p.Group)}\",name=\"{Escape(p.Name)}\"";

    private static void Family(StringBuilder b, string name, string type, string help) =>
        b.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Line(StringBuilder b, string name, string labels, double value)
    {
        b.Append(name);
        if (labels.Length > 0)
        {
            b.Append('{').Append(labels).Append('}');
        }

        b.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }
}
