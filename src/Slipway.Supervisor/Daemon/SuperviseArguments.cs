namespace Slipway.Supervisor.Daemon;

/// <summary>
/// The plain <c>supervise [-c FILE] [-n]</c> command line, parsed without any CLI framework so the daemon starts
/// fast and small (the managed CLI's fast path and the Native AOT <c>slipway-supervise</c> share it).
/// </summary>
public sealed record SuperviseArguments(string? Configuration, bool NoDaemon)
{
    private static readonly string[] SearchPath =
        ["supervisord.conf", "etc/supervisord.conf", "/etc/supervisord.conf", "/etc/supervisor/supervisord.conf"];

    public static string NoConfigMessage => "No config file found: pass -c FILE (looked for " + string.Join(", ", SearchPath) + ").";

    /// <summary>The -c file, else the first of supervisord's search path that exists.</summary>
    public static string? FindConfig(string? configuration) => configuration ?? SearchPath.FirstOrDefault(File.Exists);

    /// <summary>
    /// The options when <paramref name="args"/> is a plain supervise invocation (the leading word <c>supervise</c>
    /// is required when <paramref name="requireVerb"/>); null for anything else (--help, unknown options).
    /// </summary>
    public static SuperviseArguments? TryParse(IReadOnlyList<string> args, bool requireVerb)
    {
        ArgumentNullException.ThrowIfNull(args);
        var start = 0;
        if (args.Count > 0 && args[0] == "supervise")
        {
            start = 1;
        }
        else if (requireVerb)
        {
            return null;
        }

        string? configuration = null;
        var noDaemon = false;
        for (var i = start; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-n" or "--nodaemon":
                    noDaemon = true;
                    break;
                case "--no-color":
                    break;
                case "-c" or "--configuration" when i + 1 < args.Count && !args[i + 1].StartsWith('-'):
                    configuration = args[++i];
                    break;
                default:
                    return null;
            }
        }

        return new SuperviseArguments(configuration, noDaemon);
    }
}
