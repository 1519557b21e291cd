using Slipway.Core.Shell;

namespace Slipway.Deploy.Scripts;

/// <summary>
/// One shell script run on a host in a single round trip. Steps announce themselves with marker lines
/// (<c>::slipway:step ID</c>) on stdout, stderr is merged into stdout so output stays in order, and the first failing
/// step prints <c>::slipway:failed ID CODE</c> and ends the script, so the caller knows which step failed and which
/// output lines belong to it.
/// </summary>
public sealed class Script
{
    public const string Marker = "::slipway:";

    private static readonly ShellCommand Prelude = ShellCommand.Create($$"""
        exec 2>&1
        slw_step() { printf '::slipway:step %s\n' "$1"; }
        slw_die() { printf '::slipway:failed %s %s\n' "$1" "$2"; exit 1; }
        slw_missing=0
        slw_miss() { printf '::slipway:missing %s\n' "$1"; slw_missing=1; }
        """);

    private readonly List<ShellCommand> _lines = [Prelude];

    /// <summary>A line of shell code that is not a step of its own (set-up, markers).</summary>
    public Script Add(ShellCommand line)
    {
        _lines.Add(line);
        return this;
    }

    /// <summary>Announces step <paramref name="id"/>, runs <paramref name="command"/>, and stops the script if it fails.</summary>
    public Script Step(string id, ShellCommand command)
    {
        _lines.Add(ShellCommand.Create($"slw_step {id}"));
        _lines.Add(ShellCommand.Join("", [ShellCommand.Create($"{{ "), command, ShellCommand.Create($"; }} || slw_die {id} $?")]));
        return this;
    }

    /// <summary>Runs a user's hook (shell code) with /bin/sh in <paramref name="directory"/> as step <paramref name="id"/>.</summary>
    public Script Hook(string id, string directory, string code) => Hook(id, directory, ShellCommand.Raw(code));

    /// <summary>Runs a hook whose code may hold a secret: it runs as written and is shown redacted.</summary>
    public Script Hook(string id, string directory, ShellCommand code) =>
        Step(id, ShellCommand.Create($"(cd {directory} && exec /bin/sh -c {code.AsWord()})"));

    /// <summary>Prints a data line the caller reads back: <c>::slipway:KEY VALUE</c>.</summary>
    public Script Data(string key, ShellCommand valueExpression) =>
        Add(ShellCommand.Join("", [ShellCommand.Create($"printf '::slipway:%s %s\\n' {key} "), valueExpression]));

    public Script Export(IReadOnlyDictionary<string, string> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        foreach (var (name, value) in variables)
        {
            // Names are Slipway's own SLIPWAY_* constants; values are quoted.
            _lines.Add(ShellCommand.Join("", [ShellCommand.Raw("export " + name + "="), ShellCommand.Create($"{value}")]));
        }

        return this;
    }

    /// <summary>The last line: the script ran to its end.</summary>
    public ShellCommand Build()
    {
        var lines = new List<ShellCommand>(_lines) { ShellCommand.Create($"printf '::slipway:done\\n'") };
        return ShellCommand.Join("\n", lines);
    }
}
