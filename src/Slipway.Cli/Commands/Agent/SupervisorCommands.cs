using Slipway.Supervisor.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Agent;

/// <summary>Opens a client for the settings and turns the client's exceptions into the agent's exit codes.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class AgentRun
{
    public static async Task<int> WithClientAsync(
        AgentSupervisorSettings settings, AgentOutput output, Func<SupervisorClient, Task<int>> body, Action<string>? jsonError = null)
    {
        using var client = new SupervisorClient(SupervisorEndpoint.Parse(settings.Socket, settings.Username, settings.Password));
        try
        {
            return await body(client);
        }
        catch (SupervisorUnreachableException e)
        {
            output.Error(e.Message);
            jsonError?.Invoke(e.Message);
            return ExitCodes.ConnectionFailed;
        }
        catch (SupervisorFaultException e)
        {
            output.Error(e.Message);
            jsonError?.Invoke(e.Message);
            return ExitCodes.CommandFailed;
        }
    }
}

/// <summary><c>agent supervisor status</c>: every process the supervisor runs.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AgentStatusCommand(IAnsiConsole console) : AsyncCommand<AgentSupervisorSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, AgentSupervisorSettings settings, CancellationToken cancellationToken)
    {
        var output = new AgentOutput(console);
        return AgentRun.WithClientAsync(settings, output, async client =>
        {
            var state = await client.GetStateAsync(cancellationToken);
            var all = await client.GetAllProcessInfoAsync(cancellationToken);
            if (settings.Json)
            {
                output.Json(new AgentStatusRecord(client.Endpoint.ToString(), state.Name, all.Select(AgentProcessRecord.From).ToList()),
                    AgentJsonContext.Default.AgentStatusRecord);
            }
            else
            {
                foreach (var p in all)
                {
                    output.Line(AgentOutput.StatusLine(p));
                }
            }

            return ExitCodes.Success;
        });
    }
}

/// <summary><c>agent supervisor update</c>: supervisorctl update, restarts, then wait for RUNNING.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AgentUpdateCommand(IAnsiConsole console, TimeProvider? time = null) : AsyncCommand<AgentUpdateSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, AgentUpdateSettings settings, CancellationToken cancellationToken)
    {
        var output = new AgentOutput(console);
        return AgentRun.WithClientAsync(settings, output, async client =>
        {
            var updater = new SupervisorUpdater(client, new ProcessWaiter(time ?? TimeProvider.System));
            UpdateOutcome outcome;
            try
            {
                outcome = await updater.UpdateAsync(settings.Restart, settings.RestartAll, settings.TimeoutValue, cancellationToken);
            }
            catch (ArgumentException e)
            {
                output.Error(e.Message);
                JsonError(output, settings, e.Message);
                return ExitCodes.CommandFailed;
            }

            return await AgentReport.OutcomeAsync(client, output, settings.Json, outcome, cancellationToken);
        }, message => JsonError(output, settings, message));
    }

    private static void JsonError(AgentOutput output, AgentUpdateSettings settings, string message)
    {
        if (settings.Json)
        {
            output.Json(new AgentUpdateRecord(false, [], [], [], [], [], [], message), AgentJsonContext.Default.AgentUpdateRecord);
        }
    }
}

/// <summary><c>agent supervisor restart</c>: restart processes or groups and wait for RUNNING.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AgentRestartCommand(IAnsiConsole console, TimeProvider? time = null) : AsyncCommand<AgentRestartSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, AgentRestartSettings settings, CancellationToken cancellationToken)
    {
        var output = new AgentOutput(console);
        return AgentRun.WithClientAsync(settings, output, async client =>
        {
            var updater = new SupervisorUpdater(client, new ProcessWaiter(time ?? TimeProvider.System));
            var outcome = await updater.RestartAsync(settings.Names, settings.TimeoutValue, cancellationToken);
            return await AgentReport.OutcomeAsync(client, output, settings.Json, outcome, cancellationToken);
        });
    }
}

/// <summary>Prints an update/restart outcome; the exit code says whether every process came up.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class AgentReport
{
    public static async Task<int> OutcomeAsync(SupervisorClient client, AgentOutput output, bool json, UpdateOutcome outcome, CancellationToken ct)
    {
        var failures = outcome.Succeeded ? [] : await AgentOutput.FailuresAsync(client, outcome.Judgement, ct);
        if (json)
        {
            output.Json(new AgentUpdateRecord(outcome.Succeeded, outcome.Reload.Added, outcome.Reload.Changed, outcome.Reload.Removed,
                outcome.Actions.Select(a => a.ToString()).ToList(), outcome.Judgement.Processes.Select(AgentProcessRecord.From).ToList(), failures,
                outcome.Succeeded ? null : $"{failures.Count} process(es) did not reach RUNNING"), AgentJsonContext.Default.AgentUpdateRecord);
        }
        else
        {
            var r = outcome.Reload;
            if (!r.IsEmpty)
            {
                output.Line("config: " + string.Join("; ", new[] { ("added", r.Added), ("changed", r.Changed), ("removed", r.Removed) }
                    .Where(x => x.Item2.Count > 0).Select(x => x.Item1 + " " + string.Join(", ", x.Item2))));
            }

            foreach (var a in outcome.Actions)
            {
                output.Line(a.ToString());
            }

            if (outcome.Actions.Count == 0)
            {
                output.Line("no changes");
            }

            foreach (var p in outcome.Judgement.Processes)
            {
                output.Line(AgentOutput.StatusLine(p));
            }
        }

        foreach (var f in failures)
        {
            output.Error(AgentOutput.FailureText(f));
        }

        return outcome.Succeeded ? ExitCodes.Success : ExitCodes.CommandFailed;
    }
}

/// <summary><c>agent supervisor tail</c>: the end of a process's log, optionally followed.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AgentTailCommand(IAnsiConsole console) : AsyncCommand<AgentTailSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, AgentTailSettings settings, CancellationToken cancellationToken)
    {
        var output = new AgentOutput(console);
        return AgentRun.WithClientAsync(settings, output, async client =>
        {
            Task<LogTail> TailAsync(int offset, int length) => settings.Stderr
                ? client.TailProcessStderrLogAsync(settings.Name, offset, length, cancellationToken)
                : client.TailProcessStdoutLogAsync(settings.Name, offset, length, cancellationToken);
            Task<string> ReadAsync(int offset, int length) => settings.Stderr
                ? client.ReadProcessStderrLogAsync(settings.Name, offset, length, cancellationToken)
                : client.ReadProcessStdoutLogAsync(settings.Name, offset, length, cancellationToken);

            _ = await client.GetProcessInfoAsync(settings.Name, cancellationToken); // BAD_NAME early, in the supervisor's words
            var tail = await TailAsync(0, settings.Bytes);
            var writer = console.Profile.Out.Writer;
            await writer.WriteAsync(tail.Bytes);
            await writer.FlushAsync(cancellationToken);
            var offset = tail.Offset;
            while (settings.Follow)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);

                // tail with length 0 returns only the current size; read exactly what was appended since.
                var size = (await TailAsync(offset, 0)).Offset;
                if (size < offset)
                {
                    offset = 0; // rotated or cleared: start over on the new file
                }

                if (size > offset)
                {
                    await writer.WriteAsync(await ReadAsync(offset, size - offset));
                    await writer.FlushAsync(cancellationToken);
                    offset = size;
                }
            }

            return ExitCodes.Success;
        });
    }
}
