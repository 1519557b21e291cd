namespace Slipway.Supervisor.Config;

/// <summary>A configuration error that names the file, line, section and option at fault.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message)
        : base(message)
    {
    }

    public ConfigException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public ConfigException()
    {
    }

    /// <summary>
    /// The text supervisord gives for the same error over XML-RPC (reread's CANT_REREAD), which scripts match on: the
    /// problem, and for the sections it makes processes from, <c>in section 'S' (file: 'F')</c> instead of our
    /// FILE:LINE prefix. Null when the error has no section.
    /// </summary>
    public string? SupervisordText { get; private init; }

    public static ConfigException At(IniOption option, string section, string problem) =>
        new($"{option.File}:{option.Line}: [{section}] {option.Key}: {problem}")
        {
            SupervisordText = SupervisordForm($"{option.Key}: {problem}", section, option.File),
        };

    public static ConfigException At(IniSection section, string problem) =>
        new($"{section.File}:{section.Line}: [{section.Name}]: {problem}")
        {
            SupervisordText = SupervisordForm(problem, section.Name, section.File),
        };

    // supervisord's processes_from_section wraps every ValueError this way; other sections raise the bare problem.
    private static string SupervisordForm(string problem, string section, string file) =>
        section.StartsWith("program:", StringComparison.Ordinal)
        || section.StartsWith("fcgi-program:", StringComparison.Ordinal)
        || section.StartsWith("eventlistener:", StringComparison.Ordinal)
            ? $"{problem} in section {PythonRepr(section)} (file: {PythonRepr(file)})"
            : problem;

    // Python's repr of a str, for the plain names and paths that appear here: single quotes unless the text holds one.
    private static string PythonRepr(string text) =>
        text.Contains('\'', StringComparison.Ordinal) && !text.Contains('"', StringComparison.Ordinal) ? $"\"{text}\"" : $"'{text}'";
}
