using Spectre.Console;
using Spectre.Console.Rendering;

namespace Slipway.Cli.Infrastructure;

/// <summary>
/// The console of one run: results go to <see cref="IAnsiConsole"/> (stdout), and errors, warnings and notices to
/// <see cref="Diagnostics"/> (stderr), so that a script reading stdout, or a <c>--json</c> consumer, never sees them.
/// Commands keep taking one <see cref="IAnsiConsole"/>; <c>ConsoleText.Error</c> and friends find the diagnostics here.
/// </summary>
public sealed class CliConsole(IAnsiConsole output, IAnsiConsole diagnostics) : IAnsiConsole
{
    public IAnsiConsole Output { get; } = output ?? throw new ArgumentNullException(nameof(output));

    public IAnsiConsole Diagnostics { get; } = diagnostics ?? throw new ArgumentNullException(nameof(diagnostics));

    public Profile Profile => Output.Profile;

    public IAnsiConsoleCursor Cursor => Output.Cursor;

    public IAnsiConsoleInput Input => Output.Input;

    public IExclusivityMode ExclusivityMode => Output.ExclusivityMode;

    public RenderPipeline Pipeline => Output.Pipeline;

    public void Clear(bool home) => Output.Clear(home);

    public void Write(IRenderable renderable) => Output.Write(renderable);

    public void WriteAnsi(Action<AnsiWriter> action) => Output.WriteAnsi(action);

    /// <summary>Where diagnostics of <paramref name="console"/> go: its stderr half, or the console itself for a plain one.</summary>
    public static IAnsiConsole DiagnosticsOf(IAnsiConsole console) => console is CliConsole cli ? cli.Diagnostics : console;
}
