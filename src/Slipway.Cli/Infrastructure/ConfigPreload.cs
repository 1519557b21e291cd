using Slipway.Core.Config;

namespace Slipway.Cli.Infrastructure;

/// <summary>
/// Reads slipway.yml on a second thread while Spectre.Console.Cli builds its command model and parses the command
/// line: each takes about 30 ms of a cold start, and on two cores they overlap. The file is only a guess from the raw
/// arguments (<c>-f FILE</c>, <c>--file FILE</c>, <c>--file=FILE</c>, else <c>slipway.yml</c>); a command gets the
/// preloaded result only for the exact path it asks for, and otherwise loads as usual.
/// </summary>
internal static class ConfigPreload
{
    private static Preloaded? _pending;

    public static void Start(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var path = GuessPath(args);
        if (path is null || !File.Exists(path))
        {
            return;
        }

        _pending = new Preloaded(path, environment);
    }

    /// <summary>The result for <paramref name="path"/> (preloaded when it was guessed right), diagnostics included.</summary>
    public static ConfigLoadResult Load(string path)
    {
        var pending = Interlocked.Exchange(ref _pending, null);
        if (pending is not null && pending.Path == path)
        {
            return pending.Wait();
        }

        return ConfigLoader.Load(path);
    }

    internal static string? GuessPath(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                break; // the remote command's words, not ours
            }

            if (arg is "-f" or "--file")
            {
                return i + 1 < args.Count ? args[i + 1] : null;
            }

            if (arg.StartsWith("--file=", StringComparison.Ordinal))
            {
                return arg["--file=".Length..];
            }
        }

        return "slipway.yml";
    }

    private sealed class Preloaded
    {
        private readonly Thread _thread;
        private ConfigLoadResult? _result;

        public Preloaded(string path, Func<string, string?> environment)
        {
            Path = path;
            _thread = new Thread(() => _result = ConfigLoader.Load(path, environment)) { IsBackground = true, Name = "config preload" };
            _thread.Start();
        }

        public string Path { get; }

        public ConfigLoadResult Wait()
        {
            _thread.Join(); // ConfigLoader never throws: every problem comes back as a diagnostic
            return _result!;
        }
    }
}
