using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using Slipway.Cli.Commands.Agent;
using Slipway.Cli.Output;
using Slipway.Recipes.Setup;
using Spectre.Console;

namespace Slipway.Cli.Commands.Hosts;

/// <summary>
/// What the host commands print from the agents' answers (<see cref="HostAgent"/>): the ps table or JSON, restart's
/// lines, the hosts that could not be reached. Kept apart from the commands so golden files lock the text.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class HostAnswerPrinter
{
    /// <summary>
    /// Each host's release and processes from the agents' <c>status --json</c> answers (after a <c>release=</c> line),
    /// only this application's on a shared supervisord; the error when the host or its supervisor could not be asked.
    /// </summary>
    public static List<PsHostRecord> PsHosts(IReadOnlyList<HostAnswer> answers) => answers.Select(a =>
    {
        var release = a.Stdout.FirstOrDefault(l => l.StartsWith("release=", StringComparison.Ordinal))?["release=".Length..] ?? "";
        var json = a.Stdout.FirstOrDefault(l => l.StartsWith('{'));
        var status = json is null ? null : JsonSerializer.Deserialize(json, AgentJsonContext.Default.AgentStatusRecord);
        var error = a.ConnectionError ?? (a.ExitCode == 0 && status is not null ? null : string.Join(" ", a.Stderr).Trim() is { Length: > 0 } e ? e : $"exit {a.ExitCode}");
        // A supervisord shared with other applications: only this application's programs (named APPLICATION-…).
        var processes = (status?.Processes ?? []).Where(p => p.Group.StartsWith(a.Plan.ProgramPrefix, StringComparison.Ordinal)).ToList();
        return new PsHostRecord(a.Host.DisplayName, release.Length == 0 ? null : release, processes, error);
    }).ToList();

    public static void PrintPs(IAnsiConsole console, IReadOnlyList<HostAnswer> answers, bool asJson)
    {
        var hosts = PsHosts(answers);
        if (asJson)
        {
            ConsoleText.Line(console, JsonSerializer.Serialize(new PsReport(hosts.All(h => h.Error is null), hosts), HostsJsonContext.Default.PsReport));
        }
        else
        {
            var width = Math.Max(4, hosts.Max(h => h.Host.Length));
            var nameWidth = Math.Max(7, hosts.SelectMany(h => h.Processes).Select(p => p.FullName.Length).DefaultIfEmpty(0).Max());
            ConsoleText.Line(console, $"{"HOST".PadRight(width)}  {"PROCESS".PadRight(nameWidth)}  {"STATE",-9} {"PID",7}  {"UPTIME",-10} RELEASE");
            foreach (var h in hosts)
            {
                if (h.Error is not null)
                {
                    ConsoleText.Line(console, $"{h.Host.PadRight(width)}  error: {h.Error}", ConsoleText.Red);
                    continue;
                }

                foreach (var p in h.Processes)
                {
                    var uptime = p.UptimeSeconds is { } u ? TimeSpan.FromSeconds(u).ToString(u >= 86400 ? @"d\.hh\:mm\:ss" : @"h\:mm\:ss", CultureInfo.InvariantCulture) : "-";
                    var pid = p.Pid > 0 ? p.Pid.ToString(CultureInfo.InvariantCulture) : "-";
                    ConsoleText.Line(console, $"{h.Host.PadRight(width)}  {p.FullName.PadRight(nameWidth)}  {p.State,-9} {pid,7}  {uptime,-10} {h.Release ?? "-"}",
                        p.State == "RUNNING" ? null : ConsoleText.Yellow);
                }

                if (h.Processes.Count == 0)
                {
                    ConsoleText.Line(console, $"{h.Host.PadRight(width)}  (no processes)  release {h.Release ?? "-"}");
                }
            }
        }
    }

    public static void PrintRestart(IAnsiConsole console, IReadOnlyList<HostAnswer> answers)
    {
        foreach (var a in answers)
        {
            var name = a.Host.DisplayName;
            if (a.ConnectionError is not null)
            {
                ConsoleText.Line(console, $"{name}: error: {a.ConnectionError}", ConsoleText.Red);
                continue;
            }

            foreach (var line in a.Stdout.Where(l => !l.StartsWith("restart ", StringComparison.Ordinal)))
            {
                ConsoleText.Line(console, $"{name}: {line}");
            }

            foreach (var line in a.Stderr)
            {
                ConsoleText.Line(console, $"{name}: {line}", ConsoleText.Red);
            }

            ConsoleText.Line(console, a.ExitCode == 0 ? $"{name}: restarted" : $"{name}: restart failed", a.ExitCode == 0 ? ConsoleText.Green : ConsoleText.Red);
        }
    }

    public static void PrintUnreachable(IAnsiConsole console, IReadOnlyList<HostAnswer> answers)
    {
        foreach (var a in answers.Where(a => a.ConnectionError is not null))
        {
            ConsoleText.Line(console, $"{a.Host.DisplayName}: error: {a.ConnectionError}", ConsoleText.Red);
        }
    }
}
