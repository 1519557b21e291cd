using System.Diagnostics;
using System.Globalization;

namespace Slipway.Testing;

/// <summary>
/// A private s3rver (an S3-compatible server from npm, installed by scripts/deps/build.sh) on 127.0.0.1 and a free
/// port, its objects in a temp dir, one bucket made at start-up. It checks SigV4 signatures against its one account
/// (<see cref="AccessKeyId"/>/<see cref="SecretAccessKey"/>). <see cref="PauseAsync"/> stops it answering (SIGSTOP: the kernel
/// still accepts connections, nothing replies), which is what a hung store looks like to a client.
/// </summary>
public sealed class S3rverServer : IAsyncDisposable
{
    public const string AccessKeyId = "S3RVER";
    public const string SecretAccessKey = "S3RVER";

    private readonly TempDir _dir = new("slw-s3rver-");
    private Process? _process;
    private bool _paused;

    private S3rverServer(string bucket)
    {
        Bucket = bucket;
        Port = FreePorts.Tcp();
    }

    public string Bucket { get; }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>Where s3rver keeps the objects (for a test's diagnostics only: clients see objects through the API).</summary>
    public string DataDirectory => _dir.File("data");

    public string LogFile => _dir.File("s3rver.log");

    /// <summary>The s3rver executable: on PATH (npm install -g puts it in /usr/bin), or $SLIPWAY_S3RVER.</summary>
    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable("SLIPWAY_S3RVER") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "s3rver"))
            .FirstOrDefault(File.Exists);
    }

    public static async Task<S3rverServer> StartAsync(CancellationToken ct, string bucket = "artifacts")
    {
        var binary = Find();
        Requires.Check(binary is not null, "s3rver is not installed. Fix: bash scripts/deps/build.sh (npm install -g s3rver)",
            Environment.GetEnvironmentVariable("CI"));
        var server = new S3rverServer(bucket);
        try
        {
            await server.StartProcessAsync(binary!, ct);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    private async Task StartProcessAsync(string binary, CancellationToken ct)
    {
        Directory.CreateDirectory(DataDirectory);
        var psi = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            "--directory", DataDirectory, "--address", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--no-vhost-buckets", "--configure-bucket", Bucket,
        })
        {
            psi.ArgumentList.Add(arg);
        }

        _process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {binary}");
        var log = new StreamWriter(LogFile) { AutoFlush = true };
        var gate = new Lock();
        var closed = false;
        void Write(string? line)
        {
            lock (gate)
            {
                if (line is not null && !closed)
                {
                    log.WriteLine(line);
                }
            }
        }

        _process.OutputDataReceived += (_, e) => Write(e.Data);
        _process.ErrorDataReceived += (_, e) => Write(e.Data);
        _process.Exited += (_, _) =>
        {
            lock (gate)
            {
                closed = true;
                log.Dispose();
            }
        };
        _process.EnableRaisingEvents = true;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        // Ready when it answers HTTP on its port (the bucket is made before it listens).
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var ready = await Eventually.ForAsync(async () =>
        {
            if (_process.HasExited)
            {
                return true;
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Endpoint + "/"), ct);
                return true;
            }
            catch (HttpRequestException)
            {
                return false;
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), ct);
        if (_process.HasExited || !ready)
        {
            throw new InvalidOperationException(
                $"s3rver did not start on {Endpoint} (exit {(_process.HasExited ? _process.ExitCode : "none, still running")}); its log:\n{ReadLog()}");
        }
    }

    /// <summary>SIGSTOP: connections are still accepted by the kernel but nothing answers, as with a hung server.</summary>
    public Task PauseAsync(CancellationToken ct) => SignalAsync("-STOP", paused: true, ct);

    /// <summary>SIGCONT after <see cref="PauseAsync"/>.</summary>
    public Task ResumeAsync(CancellationToken ct) => SignalAsync("-CONT", paused: false, ct);

    private async Task SignalAsync(string signal, bool paused, CancellationToken ct)
    {
        var (code, _, stderr) = await ProcessTools.RunAsync("/bin/kill",
            [signal, _process!.Id.ToString(CultureInfo.InvariantCulture)], ct);
        if (code != 0)
        {
            throw new InvalidOperationException($"kill {signal} {_process.Id} failed: {stderr}");
        }

        _paused = paused;
    }

    /// <summary>Ends the server (its data stays): connections are refused, as when a store is down.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(ct);
        }
    }

    /// <summary>Starts it again after <see cref="StopAsync"/>, on the same port with the same data.</summary>
    public async Task StartAgainAsync(CancellationToken ct)
    {
        _process?.Dispose();
        _process = null;
        await StartProcessAsync(Find()!, ct);
    }

    public string ReadLog()
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            if (_paused)
            {
                // Continued first so its sockets and files close in order; SIGKILL alone would also end it.
                await ResumeAsync(CancellationToken.None);
            }

            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }

            _process.Dispose();
        }

        _dir.Dispose();
    }
}
