using System.Diagnostics;
using System.Globalization;

namespace Slipway.Queue.Workers;

/// <summary>
/// Runs a process per job: the payload on stdin, exit code 0 = success, any other = a failure (retried by the queue's
/// policy). stdout and stderr are kept with the job. The process sees SLIPWAY_QUEUE, SLIPWAY_JOB_ID and
/// SLIPWAY_JOB_ATTEMPT. A time-out or a cancellation kills the whole process tree.
/// </summary>
public sealed class CommandJobHandler : IJobHandler
{
    private readonly IReadOnlyList<string> _command;
    private readonly CommandJobOptions _options;

    public CommandJobHandler(IReadOnlyList<string> command, CommandJobOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentOutOfRangeException.ThrowIfZero(command.Count);
        _command = command;
        _options = options ?? new CommandJobOptions();
    }

    public async Task<JobResult> HandleAsync(LeasedJob job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        using var process = new Process { StartInfo = StartInfo(job) };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return JobResult.Failure($"cannot start '{_command[0]}': {e.Message}");
        }

        var output = new OutputTail(_options.OutputLimit);
        var readers = Task.WhenAll(PumpAsync(process.StandardOutput, output), PumpAsync(process.StandardError, output));

        // Fed alongside the wait: a process that never reads a large payload must still meet its time-out.
        var feeding = FeedAsync(process, job.Payload);

        using var timeout = _options.Timeout is { } limit ? new CancellationTokenSource(limit) : new CancellationTokenSource();
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            await process.WaitForExitAsync(either.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            await Task.WhenAll(readers, feeding);
            ct.ThrowIfCancellationRequested();
            return JobResult.Failure($"timed out after {_options.Timeout}", output.ToString());
        }

        await Task.WhenAll(readers, feeding);
        return process.ExitCode == 0
            ? JobResult.Success(output.ToString())
            : JobResult.Failure($"exit code {process.ExitCode}", output.ToString());
    }

    private ProcessStartInfo StartInfo(LeasedJob job)
    {
        var info = new ProcessStartInfo(_command[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _options.WorkingDirectory ?? "",
        };
        foreach (var argument in _command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in _options.Environment)
        {
            info.Environment[name] = value;
        }

        info.Environment["SLIPWAY_QUEUE"] = job.Queue;
        info.Environment["SLIPWAY_JOB_ID"] = job.Id.ToString(CultureInfo.InvariantCulture);
        info.Environment["SLIPWAY_JOB_ATTEMPT"] = job.AttemptsUsed.ToString(CultureInfo.InvariantCulture);
        return info;
    }

    private static async Task FeedAsync(Process process, string payload)
    {
        try
        {
            await process.StandardInput.WriteAsync(payload);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The process exited or closed stdin without reading it all: its exit code still decides.
        }
    }

    private static async Task PumpAsync(StreamReader reader, OutputTail output)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            output.Append(buffer.AsSpan(0, read));
        }
    }
}
