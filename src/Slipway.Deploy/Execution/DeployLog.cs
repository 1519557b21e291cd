using System.Globalization;
using Slipway.Core.Config;
using Slipway.Core.Shell;

namespace Slipway.Deploy.Execution;

/// <summary>
/// The full log of one run: every script sent to every host (secrets redacted) and every line it printed, with
/// times, kept under <c>.slipway/logs/</c> next to slipway.yml. A log that cannot be written never fails a deploy.
/// </summary>
public sealed class DeployLog : IDisposable
{
    private readonly StreamWriter? _writer;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();

    public DeployLog(string? path, TimeProvider time)
    {
        _time = time;
        Path = path;
        if (path is null)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            _writer = new StreamWriter(path, append: true) { AutoFlush = false, NewLine = "\n" };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Path = null;
        }
    }

    public string? Path { get; }

    public static DeployLog None(TimeProvider time) => new(null, time);

    public void Note(string text) => Write($"--- {text}");

    public void Command(HostConfig host, string phase, ShellCommand script) =>
        Write($"[{host.DisplayName}] {phase} $ {script.ToString().ReplaceLineEndings("\n    ")}");

    public void Output(HostConfig host, string line) => Write($"[{host.DisplayName}] | {line}");

    public void Exit(HostConfig host, string phase, int code, TimeSpan duration) =>
        Write($"[{host.DisplayName}] {phase} exit {code.ToString(CultureInfo.InvariantCulture)} in {duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)}s");

    public void Dispose()
    {
        lock (_lock)
        {
            _writer?.Dispose();
        }
    }

    private void Write(string text)
    {
        if (_writer is null)
        {
            return;
        }

        lock (_lock)
        {
            _writer.Write(_time.GetUtcNow().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture));
            _writer.Write(' ');
            _writer.WriteLine(text);
            _writer.Flush();
        }
    }
}
