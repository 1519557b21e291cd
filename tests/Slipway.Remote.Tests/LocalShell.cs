using System.Diagnostics;

namespace Slipway.Remote.Tests;

/// <summary>Runs text through the real /bin/sh, to prove what a shell does with our quoting.</summary>
internal static class LocalShell
{
    public static async Task<(int ExitCode, byte[] Stdout)> RunAsync(string script, string workingDirectory, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true, WorkingDirectory = workingDirectory, UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        using var process = Process.Start(psi)!;
        using var stdout = new MemoryStream();
        await process.StandardOutput.BaseStream.CopyToAsync(stdout, ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, stdout.ToArray());
    }
}
