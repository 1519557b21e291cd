using Slipway.Cli.Infrastructure;
using Spectre.Console;

namespace Slipway.Cli.Tests.Support;

/// <summary>
/// What one run of the CLI printed: <see cref="Stdout"/> (results), <see cref="Stderr"/> (diagnostics) and both as
/// they interleaved (<see cref="Output"/>, which is what a terminal shows and what <c>var (code, output) = …</c> gives).
/// </summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr, string Output)
{
    public void Deconstruct(out int exitCode, out string output)
    {
        exitCode = ExitCode;
        output = Output;
    }
}

/// <summary>What a run has printed so far (stdout and stderr as they interleave), for tests that wait on a line.</summary>
internal sealed class LiveOutput
{
    public StringWriter Writer { get; } = new() { NewLine = "\n" };

    public string Text
    {
        get
        {
            lock (Writer)
            {
                return Writer.ToString();
            }
        }
    }
}

/// <summary>Runs the whole CLI in-process against plain-text consoles of fixed width: stdout and stderr apart.</summary>
internal static class CliRunner
{
    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(args, 100, TestContext.Current.CancellationToken);

    /// <summary>With the clock fixed at <paramref name="time"/>'s.</summary>
    public static Task<CliResult> RunAsync(TimeProvider time, params string[] args) => RunAsync(args, 100, time, TestContext.Current.CancellationToken);

    public static Task<CliResult> RunAsync(string[] args, int width, CancellationToken ct) => RunAsync(args, width, TimeProvider.System, ct);

    public static Task<CliResult> RunAsync(string[] args, int width, TimeProvider time, CancellationToken ct) =>
        RunAsync(args, width, time, new LiveOutput(), ct);

    /// <summary>With the interleaved output readable while the run goes on, through <paramref name="live"/>.</summary>
    public static async Task<CliResult> RunAsync(string[] args, int width, TimeProvider time, LiveOutput live, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(live);
        var both = live.Writer;
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var console = new CliConsole(Console(new Tee(stdout, both), width), Console(new Tee(stderr, both), width));
        var exitCode = await SlipwayApp.RunAsync(args, console, time, ct);
        return new CliResult(exitCode, Normal(stdout), Normal(stderr), Normal(both));
    }

    private static string Normal(StringWriter writer) => writer.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);

    private static IAnsiConsole Console(TextWriter writer, int width)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        return console;
    }

    /// <summary>Writes to its own stream and to the interleaved one; hosts print in parallel, hence the lock.</summary>
    private sealed class Tee(StringWriter own, StringWriter both) : TextWriter
    {
        public override System.Text.Encoding Encoding => own.Encoding;

        public override void Write(char value)
        {
            lock (both)
            {
                own.Write(value);
                both.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (both)
            {
                own.Write(value);
                both.Write(value);
            }
        }

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void Write(ReadOnlySpan<char> buffer) => Write(buffer.ToString());

        public override Task WriteAsync(char value)
        {
            Write(value);
            return Task.CompletedTask;
        }

        public override Task WriteAsync(string? value)
        {
            Write(value);
            return Task.CompletedTask;
        }

        public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.ToString());
            return Task.CompletedTask;
        }
    }
}
