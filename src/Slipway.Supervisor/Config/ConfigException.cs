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

    public static ConfigException At(IniOption option, string section, string problem) =>
        new($"{option.File}:{option.Line}: [{section}] {option.Key}: {problem}");

    public static ConfigException At(IniSection section, string problem) =>
        new($"{section.File}:{section.Line}: [{section.Name}]: {problem}");
}
