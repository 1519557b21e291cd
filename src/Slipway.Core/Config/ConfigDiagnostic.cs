using System.Globalization;

namespace Slipway.Core.Config;

/// <summary>
/// One problem found in a config file. <see cref="ToString"/> gives the compiler-style line users see:
/// <c>slipway.yml:12:7: error: stages.production.hosts[1].port: must be an integer from 1 to 65535, got 70000</c>.
/// </summary>
/// <param name="Severity">Errors stop the command (exit code 2); warnings are printed and the command goes on.</param>
/// <param name="File">The path as the user gave it.</param>
/// <param name="Location">Line 0 means the problem concerns the whole file (not found, too big…).</param>
/// <param name="KeyPath">Empty when the problem is not about one key (syntax errors, the top level).</param>
/// <param name="Message">What is wrong and what is allowed.</param>
public sealed record ConfigDiagnostic(DiagnosticSeverity Severity, string File, SourceLocation Location, string KeyPath, string Message)
{
    public override string ToString()
    {
        var where = Location.Line > 0
            ? File + ":" + Location.Line.ToString(CultureInfo.InvariantCulture) + ":" +
              Location.Column.ToString(CultureInfo.InvariantCulture)
            : File;
        var severity = Severity == DiagnosticSeverity.Error ? "error" : "warning";
        var key = KeyPath.Length > 0 ? KeyPath + ": " : "";
        return where + ": " + severity + ": " + key + Message;
    }
}
