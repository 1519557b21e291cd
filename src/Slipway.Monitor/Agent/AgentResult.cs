using System.Text.Json.Serialization;
using Slipway.Monitor.Plugins;

namespace Slipway.Monitor.Agent;

/// <summary>
/// One result of a <c>run_on: agent</c> check as a host agent sends it to <c>monitor serve</c> (and keeps it in its
/// spool meanwhile): the check's name and host, when it ran, and what it found, perfdata as the plugin API writes it.
/// </summary>
public sealed record AgentResult
{
    /// <summary>The check's name in slipway.yml (not NAME@HOST).</summary>
    public required string Check { get; init; }

    /// <summary>The host as slipway.yml names it (its display name).</summary>
    public required string Host { get; init; }

    /// <summary>0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the plugin exit codes).</summary>
    public required int State { get; init; }

    public required string Output { get; init; }

    public string LongOutput { get; init; } = "";

    /// <summary><c>'label'=value[UOM];warn;crit;min;max</c> pairs, as a plugin prints them.</summary>
    public string PerfData { get; init; } = "";

    /// <summary>When the run ended, by the agent's clock.</summary>
    public required DateTimeOffset At { get; init; }

    public double DurationSeconds { get; init; }

    public int? ExitCode { get; init; }

    /// <summary>NAME@HOST, the check's id in monitor serve.</summary>
    [JsonIgnore]
    public string Id => Check + "@" + Host;

    public static AgentResult From(string check, string host, CheckResult result, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(result);
        var perf = PerfDataFormatter.Format(result.PerfData);
        if (result.UnparsedPerfData is { Length: > 0 } unparsed)
        {
            perf = perf.Length == 0 ? unparsed : perf + " " + unparsed;
        }

        return new AgentResult
        {
            Check = check,
            Host = host,
            State = (int)result.State,
            Output = result.Output,
            LongOutput = result.LongOutput,
            PerfData = perf,
            At = at,
            DurationSeconds = result.Duration.TotalSeconds,
            ExitCode = result.ExitCode,
        };
    }

    /// <summary>The result as the state machine takes it (an out-of-range state is UNKNOWN, as an exit code would be).</summary>
    public CheckResult ToCheckResult()
    {
        var perf = PerfDataParser.Parse(PerfData ?? "");
        return new CheckResult
        {
            State = ServiceStates.FromExitCode(State),
            Output = Output ?? "",
            LongOutput = LongOutput ?? "",
            PerfData = perf.Data,
            UnparsedPerfData = perf.Unparsed.Count == 0 ? null : string.Join(' ', perf.Unparsed),
            Duration = double.IsFinite(DurationSeconds) && DurationSeconds >= 0 ? TimeSpan.FromSeconds(Math.Min(DurationSeconds, 86_400)) : TimeSpan.Zero,
            ExitCode = ExitCode,
        };
    }
}

/// <summary>
/// One POST to <c>/api/monitor/results</c>: results in the order they ran, and how many the agent's spool dropped
/// (the oldest, when it was full) since its last batch was taken.
/// </summary>
public sealed record AgentBatch
{
    public required string Host { get; init; }

    public long Dropped { get; init; }

    public IReadOnlyList<AgentResult> Results { get; init; } = [];
}

/// <summary>What monitor serve answers a batch: how many it applied, how many it had already (resent), and the checks it does not know.</summary>
public sealed record AgentBatchAnswer
{
    public int Accepted { get; init; }

    public int Duplicates { get; init; }

    public IReadOnlyList<string> Unknown { get; init; } = [];

    public string? Error { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AgentResult))]
[JsonSerializable(typeof(AgentBatch))]
[JsonSerializable(typeof(AgentBatchAnswer))]
public sealed partial class AgentJsonContext : JsonSerializerContext;
