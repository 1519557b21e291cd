namespace Slipway.Monitor.Plugins;

/// <summary>
/// A plugin command line as the process will get it: an argv list, run without a shell. With <see cref="UseShell"/>
/// the text is handed to <c>/bin/sh -c</c> as written (pipes, redirections, variables), which the user asked for.
/// </summary>
public sealed record PluginCommand
{
    private PluginCommand(IReadOnlyList<string> argv, string text, bool useShell)
    {
        Argv = argv;
        Text = text;
        UseShell = useShell;
    }

    public IReadOnlyList<string> Argv { get; }

    /// <summary>The command line as configured, for messages.</summary>
    public string Text { get; }

    public bool UseShell { get; }

    /// <summary>Extra environment variables for the plugin (LC_ALL=C is always set so numbers print with a dot).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public static PluginCommand FromArgv(IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (argv.Count == 0 || argv[0].Length == 0)
        {
            throw new FormatException("a plugin command needs at least the program to run");
        }

        return new PluginCommand([.. argv], string.Join(' ', argv.Select(Core.Shell.ShellQuote.Quote)), false);
    }

    /// <summary>
    /// Splits <paramref name="commandLine"/> into words like a POSIX shell (quotes and backslashes), without expanding
    /// anything; or, with <paramref name="useShell"/>, runs it through <c>/bin/sh -c</c>.
    /// </summary>
    /// <exception cref="FormatException">Unbalanced quotes, or shell syntax (a pipe, a redirection, a variable) without a shell.</exception>
    public static PluginCommand Parse(string commandLine, bool useShell = false)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        if (useShell)
        {
            if (commandLine.Trim().Length == 0)
            {
                throw new FormatException("a plugin command needs at least the program to run");
            }

            return new PluginCommand(["/bin/sh", "-c", commandLine], commandLine, true);
        }

        var words = CommandLineSplitter.Split(commandLine);
        if (words.Count == 0)
        {
            throw new FormatException("a plugin command needs at least the program to run");
        }

        return new PluginCommand(words, commandLine, false);
    }

    public override string ToString() => Text;
}
