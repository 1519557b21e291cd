using System.Globalization;
using System.Text;
using System.Text.Json;
using Slipway.Cli.Output;
using Slipway.Supervisor.Client;
using Spectre.Console;

namespace Slipway.Cli.Commands.Agent;

/// <summary>
/// What the agent prints: results on stdout (text or one JSON object), failures on stderr, so a hook script's log
/// shows which program failed, in what state, and the end of its stderr log.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class AgentOutput(IAnsiConsole console, TextWriter? error = null)
{
    private readonly TextWriter _error = error ?? Console.Error;

    public void Line(string text) => ConsoleText.Line(console, text);

    public void Error(string text)
    {
        _error.Write("slipway agent: " + text.TrimEnd('\n') + "\n");
        _error.Flush();
    }

    public void Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) =>
        ConsoleText.Line(console, JsonSerializer.Serialize(value, info));

    public static string StatusLine(ProcessInfo p) =>
        string.Create(CultureInfo.InvariantCulture, $"{p.FullName,-32} {p.StateName,-9} {p.Description}").TrimEnd();

    /// <summary>The end of the process's stderr log (its stdout log when stderr goes there or is empty).</summary>
    public static async Task<string> LogTailAsync(SupervisorClient client, string name, CancellationToken ct)
    {
        try
        {
            var tail = await client.TailProcessStderrLogAsync(name, 0, 1600, ct);
            if (tail.Bytes.Length == 0)
            {
                tail = await client.TailProcessStdoutLogAsync(name, 0, 1600, ct);
            }

            return tail.Bytes;
        }
        catch (SupervisorFaultException)
        {
            return "";
        }
    }

    /// <summary>Failures with their log tails, for stderr and --json.</summary>
    public static async Task<IReadOnlyList<AgentFailureRecord>> FailuresAsync(SupervisorClient client, Judgement judgement, CancellationToken ct)
    {
        var list = new List<AgentFailureRecord>();
        foreach (var problem in judgement.Problems)
        {
            var tail = problem.Process is null ? "" : await LogTailAsync(client, problem.Name, ct);
            list.Add(new AgentFailureRecord(problem.Name, problem.Process?.StateName ?? "MISSING", problem.Reason, problem.Process?.SpawnErr ?? "", tail));
        }

        return list;
    }

    public static string FailureText(AgentFailureRecord f)
    {
        var sb = new StringBuilder();
        sb.Append(f.Name).Append(": ").Append(f.Reason).Append('\n');
        if (f.LogTail.Length > 0)
        {
            sb.Append("  last output of ").Append(f.Name).Append(":\n");
            foreach (var line in f.LogTail.TrimEnd('\n').Split('\n').TakeLast(20))
            {
                sb.Append("  | ").Append(line).Append('\n');
            }
        }

        return sb.ToString();
    }
}
