namespace Slipway.Core.Config;

public enum DiagnosticSeverity
{
    Error,
    Warning,
}
