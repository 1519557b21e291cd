namespace Slipway.Core.Config;

/// <summary>
/// What loading <c>slipway.yml</c> produced: the bound config (null when there were errors) and every problem found,
/// in file order.
/// </summary>
public sealed record ConfigLoadResult(SlipwayConfig? Config, IReadOnlyList<ConfigDiagnostic> Diagnostics)
{
    public bool Succeeded => Config is not null && !Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    public IEnumerable<ConfigDiagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);
}
