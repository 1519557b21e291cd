using Slipway.Supervisor.Config;
using Slipway.Supervisor.Native;

namespace Slipway.Supervisor.Daemon;

/// <summary>supervisord's get_execv_args: shlex-split the command, find the program on $PATH, check it.</summary>
public static class CommandResolver
{
    public static (string Path, IReadOnlyList<string> Argv) Resolve(string command, string? searchPath)
    {
        IReadOnlyList<string> words;
        try
        {
            words = DataTypes.CommandWords(command);
        }
        catch (FormatException e)
        {
            throw new SpawnException($"bad command '{command}': {e.Message}");
        }

        if (words.Count == 0)
        {
            throw new SpawnException("command is empty");
        }

        var program = words[0];
        string? found = null;
        if (program.Contains('/', StringComparison.Ordinal))
        {
            found = program;
        }
        else
        {
            foreach (var dir in (searchPath ?? "/usr/local/bin:/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(dir, program);
                if (File.Exists(candidate) || Directory.Exists(candidate))
                {
                    found = candidate;
                    break;
                }
            }
        }

        if (found is null || (!File.Exists(found) && !Directory.Exists(found)))
        {
            throw new NotFoundException($"can't find command '{program}'");
        }

        if (Directory.Exists(found))
        {
            throw new NotExecutableException($"command at '{found}' is a directory");
        }

        if ((File.GetUnixFileMode(found) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0)
        {
            throw new NotExecutableException($"command at '{found}' is not executable");
        }

        return (found, words);
    }
}

public sealed class NotFoundException : SpawnException
{
    public NotFoundException(string message)
        : base(message)
    {
    }
}

public sealed class NotExecutableException : SpawnException
{
    public NotExecutableException(string message)
        : base(message)
    {
    }
}
