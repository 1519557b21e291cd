using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Slipway.Testing;

namespace Slipway.Logs.IntegrationTests.Fixtures;

/// <summary>Starting throwaway servers on loopback: free ports, running as an unprivileged user when we are root, stop by pid.</summary>
internal static class ServerProcess
{
    public static bool IsRoot => Environment.UserName == "root";

    public static int FreeTcpPort() => FreePorts.Tcp();

    /// <summary>Starts <paramref name="file"/> (as <paramref name="runAs"/> via setpriv when root), output to <paramref name="log"/>.</summary>
    public static Process Start(string file, IEnumerable<string> args, string log, string? runAs = null)
    {
        var psi = new ProcessStartInfo(runAs is not null && IsRoot ? "/usr/bin/setpriv" : file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (runAs is not null && IsRoot)
        {
            foreach (var a in (string[])[$"--reuid={runAs}", $"--regid={runAs}", "--init-groups", file])
            {
                psi.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi)!;
        var gate = new object();
        void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (gate)
            {
                File.AppendAllText(log, line + "\n");
            }
        }

        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.EnableRaisingEvents = true;
        return process;
    }

    public static async Task WaitForPortAsync(int port, Process process, string log, CancellationToken ct)
    {
        var up = await Eventually.ForAsync(async () =>
        {
            if (process.HasExited)
            {
                return true;
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, ct);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), ct);
        if (!up || process.HasExited)
        {
            throw new InvalidOperationException($"server did not start on port {port}: {SafeRead(log)}");
        }
    }

    public static async Task StopAsync(Process process, TimeSpan grace, string signal = "TERM")
    {
        if (process.HasExited)
        {
            return;
        }

        // SIGTERM first (a clean shutdown is quicker to restart); SIGKILL after the grace period.
        _ = await ProcessTools.RunAsync("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], CancellationToken.None);
        using var cts = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    public static string SafeRead(string path)
    {
        try
        {
            var text = File.ReadAllText(path);
            return text.Length > 3000 ? text[^3000..] : text;
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }
}
