using System.Diagnostics;
using System.Text;

namespace Slipway.Build.Building;

/// <summary>The result of a finished process; <see cref="Output"/> is stdout and stderr interleaved as they came.</summary>
internal sealed record ProcessResult(int ExitCode, string Output);

/// <summary>Runs a tool to completion, appending its output to a log; killed with its whole tree on cancellation.</summary>
internal static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(string file, IEnumerable<string> args, string workingDirectory,
        TextWriter? log, CancellationToken ct, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        if (environment is not null)
        {
            // The steps see exactly this environment: nothing of the builder's leaks in unless allowlisted.
            psi.Environment.Clear();
            foreach (var (name, value) in environment)
            {
                psi.Environment[name] = value;
            }
        }

        var output = new StringBuilder();
        var gate = new Lock();
        void OnLine(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (gate)
            {
                output.AppendLine(e.Data);
                log?.WriteLine(e.Data);
            }
        }

        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        lock (gate)
        {
            log?.Flush();
            return new ProcessResult(process.ExitCode, output.ToString());
        }
    }

    /// <summary>Runs git; throws <see cref="BuildStepException"/> with its output when it fails.</summary>
    public static async Task<string> GitAsync(string workingDirectory, TextWriter? log, CancellationToken ct, params string[] args)
    {
        var result = await RunAsync("git", args, workingDirectory, log, ct);
        if (result.ExitCode != 0)
        {
            throw new BuildStepException($"git {string.Join(' ', args)} failed (exit {result.ExitCode}): {result.Output.Trim()}");
        }

        return result.Output.Trim();
    }
}

/// <summary>A build that could not complete; the message says which step, patch or tool, in plain words.</summary>
public sealed class BuildStepException(string message) : Exception(message);
