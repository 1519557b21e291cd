namespace Slipway.Supervisor.Config;

/// <summary>One <c>key = value</c> line (plus its continuation lines) of a supervisord ini file.</summary>
public sealed record IniOption(string Key, string Value, string File, int Line);

/// <summary>One <c>[name]</c> section. Duplicate keys are allowed; the last one wins, as in supervisord.</summary>
public sealed class IniSection(string name, string file, int line)
{
    private readonly Dictionary<string, IniOption> _options = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public string File { get; } = file;

    public int Line { get; } = line;

    public IEnumerable<IniOption> Options => _options.Values;

    public IniOption? Get(string key) => _options.GetValueOrDefault(key);

    public bool Has(string key) => _options.ContainsKey(key);

    internal void Set(IniOption option) => _options[option.Key] = option;
}

/// <summary>A parsed ini file: sections in file order (a repeated section merges into the first, last key wins).</summary>
public sealed class IniDocument
{
    private readonly List<IniSection> _sections = [];
    private readonly Dictionary<string, IniSection> _byName = new(StringComparer.Ordinal);

    public IReadOnlyList<IniSection> Sections => _sections;

    public IniSection? Get(string name) => _byName.GetValueOrDefault(name);

    internal IniSection GetOrAdd(string name, string file, int line)
    {
        if (!_byName.TryGetValue(name, out var section))
        {
            section = new IniSection(name, file, line);
            _byName[name] = section;
            _sections.Add(section);
        }

        return section;
    }
}
