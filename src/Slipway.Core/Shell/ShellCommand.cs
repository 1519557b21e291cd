namespace Slipway.Core.Shell;

/// <summary>
/// A command line for a POSIX shell whose interpolated values are always quoted. Build one with
/// <c>ShellCommand.Create($"mkdir -p {path}")</c>; <see cref="Text"/> is what runs, <see cref="ToString"/>
/// is what may be shown or logged (values formatted with <c>:r</c> are redacted as <c>***</c>).
/// </summary>
public readonly record struct ShellCommand
{
    private readonly string? _display;

    private ShellCommand(string text, string display)
    {
        Text = text;
        _display = display;
    }

    /// <summary>The exact command line handed to the shell.</summary>
    public string Text { get; }

    /// <summary>Builds a command, quoting every interpolated value (<c>{secret:r}</c> is quoted and redacted).</summary>
    public static ShellCommand Create(ShellCommandHandler handler) => new(handler.GetText(), handler.GetDisplay());

    /// <summary>
    /// Takes <paramref name="text"/> as shell code, unquoted. Only for command lines the user wrote themselves
    /// (hooks, <c>slipway exec</c>); never for values that came from elsewhere.
    /// </summary>
    public static ShellCommand Raw(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new ShellCommand(text, text);
    }

    /// <summary>
    /// User shell code (as <see cref="Raw(string)"/>) that holds a secret: <paramref name="text"/> runs,
    /// <paramref name="shown"/> (the same code with <c>***</c> in the secret's place) is what logs and messages show.
    /// </summary>
    public static ShellCommand Raw(string text, string shown)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(shown);
        return new ShellCommand(text, shown);
    }

    /// <summary>The command as one quoted shell word (for <c>sh -c</c>), its redactions kept.</summary>
    public ShellCommand AsWord() => new(ShellQuote.Quote(Text ?? ""), ShellQuote.Quote(ToString()));

    /// <summary>Builds <c>program 'arg1' 'arg2'…</c> with every argument quoted.</summary>
    public static ShellCommand FromArgv(IEnumerable<string> argv)
    {
        var text = ShellQuote.Join(argv);
        return new ShellCommand(text, text);
    }

    /// <summary>
    /// Joins commands into one script with <paramref name="separator"/> (shell code such as <c>"\n"</c> or <c>"; "</c>),
    /// keeping each part's redactions.
    /// </summary>
    public static ShellCommand Join(string separator, IEnumerable<ShellCommand> parts)
    {
        ArgumentNullException.ThrowIfNull(separator);
        ArgumentNullException.ThrowIfNull(parts);
        var list = parts.ToList();
        return new ShellCommand(
            string.Join(separator, list.Select(p => p.Text)), string.Join(separator, list.Select(p => p.ToString())));
    }

    /// <summary>Joins two commands with <c>&amp;&amp;</c>.</summary>
    public ShellCommand Then(ShellCommand next) => new(Text + " && " + next.Text, ToString() + " && " + next.ToString());

    /// <summary>The command with secrets redacted: safe for logs, errors and <c>--json</c>.</summary>
    public override string ToString() => _display ?? Text ?? "";
}
