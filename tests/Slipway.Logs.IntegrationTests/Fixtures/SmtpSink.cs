using System.Diagnostics;
using Slipway.Testing;

namespace Slipway.Logs.IntegrationTests.Fixtures;

/// <summary>A real SMTP server on loopback (Debian's python3-aiosmtpd) delivering into a Maildir we can read.</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly TempDir _dir;
    private readonly Process _process;

    private SmtpSink(TempDir dir, Process process, int port)
    {
        _dir = dir;
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string MailDir => _dir.File("mail");

    public IReadOnlyList<string> Messages =>
        Directory.Exists(Path.Combine(MailDir, "new")) ? [.. Directory.GetFiles(Path.Combine(MailDir, "new")).Select(File.ReadAllText)] : [];

    public static async Task<SmtpSink> StartAsync(CancellationToken ct)
    {
        var has = File.Exists(Python) && (await ProcessTools.RunAsync(Python, ["-c", "import aiosmtpd"], ct)).ExitCode == 0;
        Requires.Check(has, "aiosmtpd not installed. Fix: apt-get install -y python3-aiosmtpd", Environment.GetEnvironmentVariable("CI"));
        var dir = new TempDir("slipway-smtp-");
        var port = ServerProcess.FreeTcpPort();
        var log = dir.File("smtp.log");
        var process = ServerProcess.Start(Python,
            ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", dir.File("mail")], log);
        var sink = new SmtpSink(dir, process, port);
        try
        {
            await ServerProcess.WaitForPortAsync(port, process, log, ct);
        }
        catch
        {
            await sink.DisposeAsync();
            throw;
        }

        return sink;
    }

    public async ValueTask DisposeAsync()
    {
        await ServerProcess.StopAsync(_process, TimeSpan.FromSeconds(5));
        _process.Dispose();
        _dir.Dispose();
    }
}
