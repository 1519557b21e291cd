using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Slipway.Cli.Output;
using Slipway.Deploy.Execution;
using Slipway.Deploy.Model;
using Spectre.Console;

namespace Slipway.Cli.Commands.Deploy;

/// <summary>The end of every release command: what failed where (with the failing step's output), and where each host stands.</summary>
internal static class OutcomePrinter
{
    public static int Print(IAnsiConsole console, RunOutcome outcome, bool json)
    {
        if (json)
        {
            var writer = console.Profile.Out.Writer;
            writer.Write(JsonSerializer.Serialize(OutcomeRecord.From(outcome), DeployCliJson.Default.OutcomeRecord));
            writer.Write('\n');
            writer.Flush();
            return ExitCode(outcome);
        }

        var seconds = outcome.Duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + "s";
        foreach (var failure in outcome.Failures)
        {
            var summary = failure.Missing.Count > 0
                ? $"{failure.Missing.Count} problem{(failure.Missing.Count == 1 ? "" : "s")} found"
                : failure.Message;
            ConsoleText.Line(console, $"{failure.Host.DisplayName}: {failure.Phase}: {summary}", ConsoleText.Red);
            foreach (var missing in failure.Missing)
            {
                ConsoleText.Line(console, "    missing: " + missing);
            }

            foreach (var line in failure.Tail)
            {
                ConsoleText.Line(console, "    | " + line);
            }
        }

        if (outcome.Error is not null)
        {
            ConsoleText.Error(console, outcome.Error);
        }

        var (headline, colour) = Headline(outcome, seconds);
        ConsoleText.Line(console, headline, colour);
        if (outcome.Hosts.Count > 0)
        {
            var width = outcome.Hosts.Max(h => h.Host.DisplayName.Length);
            foreach (var host in outcome.Hosts)
            {
                var current = host.Current is null ? "current → (none)" : "current → " + host.Current;
                ConsoleText.Line(console, $"  {host.Host.DisplayName.PadRight(width)}  {current,-30}  {host.Note}",
                    host.Fate == HostFate.Unknown ? ConsoleText.Red : null);
            }
        }

        if (outcome.LogPath is not null && outcome.Result != RunResult.Succeeded)
        {
            ConsoleText.Line(console, "full log: " + outcome.LogPath);
        }

        return ExitCode(outcome);
    }

    public static int ExitCode(RunOutcome outcome)
    {
        // A run that committed before Ctrl-C arrived stands: the interrupt changed nothing, so it is not a failure.
        if (outcome.Result == RunResult.Succeeded)
        {
            return ExitCodes.Success;
        }

        if (outcome.Cancelled)
        {
            return ExitCodes.Cancelled;
        }

        return outcome.ConnectionLost ? ExitCodes.ConnectionFailed : ExitCodes.CommandFailed;
    }

    private static (string Text, string? Colour) Headline(RunOutcome o, string seconds)
    {
        var release = o.Release is null ? "" : $" release {o.Release}";
        var commit = o.Commit is null ? "" : $" ({o.Commit[..Math.Min(7, o.Commit.Length)]})";
        var cancelled = o.Cancelled ? "CANCELLED" : "FAILED";
        return (o.Action, o.Result) switch
        {
            ("deploy", RunResult.Succeeded) => ($"deployed{release}{commit} to {Hosts(o.Hosts.Count)} in {seconds}", ConsoleText.Green),
            ("rollback", RunResult.Succeeded) => ($"rolled back to{release} on {Hosts(o.Hosts.Count)} in {seconds}", ConsoleText.Green),
            (_, RunResult.Succeeded) => ($"{o.Action}: ok on {Hosts(o.Hosts.Count)} in {seconds}", ConsoleText.Green),
            (_, RunResult.NothingChanged) => ($"{cancelled}: {o.Action} stopped before changing anything; every host is as it was", ConsoleText.Red),
            (_, RunResult.RolledBack) => ($"{cancelled}: {o.Action}{release} undone on every host; every host is back where it was", ConsoleText.Red),
            _ => ($"{cancelled}: {o.Action}{release} left hosts in the state below; check them before the next deploy", ConsoleText.Red),
        };
    }

    private static string Hosts(int count) => count == 1 ? "1 host" : $"{count} hosts";
}

internal sealed record OutcomeRecord(
    string Action, string Result, string? Release, string? Commit, string? Branch, bool Cancelled, long DurationMs, string? Error, string? Log,
    IReadOnlyList<FailureRecord> Failures, IReadOnlyList<HostStateRecord> Hosts)
{
    public static OutcomeRecord From(RunOutcome o) => new(
        o.Action, Snake(o.Result.ToString()), o.Release, o.Commit, o.Branch, o.Cancelled, (long)o.Duration.TotalMilliseconds, o.Error, o.LogPath,
        [.. o.Failures.Select(f => new FailureRecord(f.Host.DisplayName, f.Phase, f.Step, Snake(f.Kind.ToString()), f.Message, f.Tail, f.Missing,
            f.Lock is null ? null : LockRecordJson.From(f.Lock)))],
        [.. o.Hosts.Select(h => new HostStateRecord(h.Host.DisplayName, h.Current, h.Note))]);

    internal static string Snake(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

internal sealed record FailureRecord(
    string Host, string Phase, string? Step, string Kind, string Message, IReadOnlyList<string> Tail, IReadOnlyList<string> Missing, LockRecordJson? Lock);

internal sealed record HostStateRecord(string Host, string? Current, string Note);

internal sealed record LockRecordJson(string User, string Machine, int Pid, string Stage, string Action, string? Commit, string? Message, DateTimeOffset Started, DateTimeOffset Expires)
{
    public static LockRecordJson From(LockRecord r) => new(r.User, r.Machine, r.Pid, r.Stage, r.Action, r.Commit, r.Message, r.Started, r.Expires);
}

internal sealed record ReleaseRecord(string Name, string State, string? Revision, bool Current);

internal sealed record HostReleasesRecord(
    string Host, string DeployTo, string? Current, bool InStep, LockRecordJson? Lock, string? Error, IReadOnlyList<ReleaseRecord> Releases);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OutcomeRecord))]
[JsonSerializable(typeof(List<HostReleasesRecord>))]
internal sealed partial class DeployCliJson : JsonSerializerContext;
