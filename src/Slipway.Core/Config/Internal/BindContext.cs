namespace Slipway.Core.Config.Internal;

/// <summary>State shared by the binders of one file: where diagnostics go and how <c>${VAR}</c> is looked up.</summary>
internal sealed class BindContext
{
    private readonly List<ConfigDiagnostic> _diagnostics;
    private readonly Func<string, string?> _environment;

    public BindContext(string file, Func<string, string?> environment)
        : this(file, environment, [], [], new HashSet<string>(StringComparer.Ordinal))
    {
    }

    private BindContext(string file, Func<string, string?> environment, List<ConfigDiagnostic> diagnostics,
        List<(string Role, SourceLocation Location, string Path, string File)> roleUses, HashSet<string> hostVarNames)
    {
        File = file;
        _environment = environment;
        _diagnostics = diagnostics;
        RoleUses = roleUses;
        HostVarNames = hostVarNames;
    }

    public string File { get; }

    /// <summary>Roles that hooks, requirements and processes ask for, checked against the hosts' roles at the end.</summary>
    public List<(string Role, SourceLocation Location, string Path, string File)> RoleUses { get; }

    /// <summary>
    /// Names given in any host's <c>vars:</c>; in template sections (<see cref="TemplateSections"/>) references to them are
    /// kept for per-host expansion instead of being looked up in the environment.
    /// </summary>
    public HashSet<string> HostVarNames { get; }

    /// <summary>
    /// The context of a file included by this one (<c>build.include</c>): its diagnostics name <paramref name="file"/>
    /// and join this file's, and its role uses are checked with this file's.
    /// </summary>
    public BindContext Included(string file) => new(file, _environment, _diagnostics, RoleUses, HostVarNames);

    /// <summary>Top-level sections whose texts are expanded per host.</summary>
    public static IReadOnlyList<string> TemplateSections { get; } = [ConfigKeys.Processes, ConfigKeys.Health, ConfigKeys.Hooks, ConfigKeys.Templates, ConfigKeys.Monitor];

    public bool HasErrors => _diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    public bool HasErrorsUnder(string path) => _diagnostics.Any(d =>
        d.Severity == DiagnosticSeverity.Error &&
        (d.KeyPath == path ||
         d.KeyPath.StartsWith(path + ".", StringComparison.Ordinal) ||
         d.KeyPath.StartsWith(path + "[", StringComparison.Ordinal)));

    /// <summary>Diagnostics sorted into file order (stable, so problems at one spot keep the order they were found in).</summary>
    public IReadOnlyList<ConfigDiagnostic> Diagnostics =>
        [.. _diagnostics.OrderBy(d => d.File == File ? 0 : 1).ThenBy(d => d.File, StringComparer.Ordinal)
            .ThenBy(d => d.Location.Line).ThenBy(d => d.Location.Column)];

    public void Error(SourceLocation location, string path, string message) =>
        _diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, File, location, path, message));

    public void Error(ConfigNode node, string path, string message) => Error(node.Location, path, message);

    /// <summary>An error in another file of the same config (an included one).</summary>
    public void ErrorIn(string file, SourceLocation location, string path, string message) =>
        _diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, file, location, path, message));

    public void Warning(SourceLocation location, string path, string message) =>
        _diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Warning, File, location, path, message));

    /// <summary>The scalar's text with <c>${VAR}</c> substituted, or null (and a diagnostic) when a variable is missing.</summary>
    public string? Substitute(ConfigScalar scalar, string path)
    {
        var problems = new List<EnvSubstitution.Problem>();
        var template = TemplateSections.Any(t => path == t || path.StartsWith(t + ".", StringComparison.Ordinal));
        var result = EnvSubstitution.Expand(scalar.Value, _environment, problems, template ? HostVarNames.Contains : null);
        foreach (var problem in problems)
        {
            // Point at the '$' itself when we can tell where it is; quoting adds one column.
            var column = scalar.Location.Column;
            if (scalar.SingleLine)
            {
                column += problem.Offset + (scalar.Plain ? 0 : 1);
            }

            Error(new SourceLocation(scalar.Location.Line, column), path, problem.Message);
        }

        return problems.Count == 0 ? result : null;
    }

    /// <summary>
    /// A whole file's text (a template's <c>source:</c>) with <c>${VAR}</c> substituted as in slipway.yml (host variables
    /// kept), or null with one diagnostic at <paramref name="at"/> per bad reference.
    /// </summary>
    public string? SubstituteText(string text, string what, SourceLocation at, string path)
    {
        var problems = new List<EnvSubstitution.Problem>();
        var result = EnvSubstitution.Expand(text, _environment, problems, HostVarNames.Contains);
        foreach (var problem in problems)
        {
            var line = text.AsSpan(0, Math.Min(problem.Offset, text.Length)).Count('\n') + 1;
            Error(at, path, $"{what} line {line.ToString(System.Globalization.CultureInfo.InvariantCulture)}: {problem.Message}");
        }

        return problems.Count == 0 ? result : null;
    }

    /// <summary>The entries of a mapping whose keys are unique; every later duplicate is reported and skipped.</summary>
    public List<MappingEntry> UniqueEntries(ConfigMapping mapping, string path)
    {
        var seen = new Dictionary<string, MappingEntry>(StringComparer.Ordinal);
        var result = new List<MappingEntry>();
        foreach (var entry in mapping.Entries)
        {
            if (seen.TryGetValue(entry.Key.Value, out var first))
            {
                var where = first.Key.Location.Line == entry.Key.Location.Line
                    ? "earlier on this line"
                    : $"at line {first.Key.Location.Line}";
                Error(entry.Key, Paths.Child(path, entry.Key.Value), $"duplicate key; first given {where}");
                continue;
            }

            seen.Add(entry.Key.Value, entry);
            result.Add(entry);
        }

        return result;
    }

    /// <summary>
    /// Reads a mapping whose keys are fixed (<paramref name="known"/>): reports unknown keys with a suggestion, and
    /// returns a <see cref="Section"/> to read values from. Null (with a diagnostic) when the node is not a mapping.
    /// </summary>
    public Section? Section(ConfigNode node, string path, IReadOnlyList<string> known, string what)
    {
        if (node is not ConfigMapping mapping)
        {
            Error(node, path, $"must be {what}, got {node.Describe()}");
            return null;
        }

        var values = new Dictionary<string, ConfigNode>(StringComparer.Ordinal);
        var keys = new Dictionary<string, ConfigScalar>(StringComparer.Ordinal);
        foreach (var entry in UniqueEntries(mapping, path))
        {
            if (!known.Contains(entry.Key.Value, StringComparer.Ordinal))
            {
                ReportUnknownKey(entry.Key, path, known);
                continue;
            }

            values.Add(entry.Key.Value, entry.Value);
            keys.Add(entry.Key.Value, entry.Key);
        }

        return new Section(this, mapping, path, values, keys);
    }

    public void ReportUnknownKey(ConfigScalar key, string path, IReadOnlyList<string> known)
    {
        var suggestion = KeySuggester.Suggest(key.Value, known);
        var message = suggestion is null ? "unknown key" : $"unknown key; did you mean '{suggestion}'?";
        Error(key, Paths.Child(path, key.Value), message);
    }
}
