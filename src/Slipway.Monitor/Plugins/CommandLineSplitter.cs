using System.Text;

namespace Slipway.Monitor.Plugins;

/// <summary>
/// Splits a command line into words as <c>sh</c> would, for the quoting only: <c>'...'</c> literal, <c>"..."</c>
/// with <c>\</c> escaping <c>" \ $ `</c>, and a bare <c>\</c> escaping the next character. Anything a shell would
/// <i>do</i> (pipes, redirections, <c>;</c>, <c>&amp;</c>, <c>$</c> expansions, backquotes) is refused, so that a
/// command meant for a shell is never run half-understood without one.
/// </summary>
internal static class CommandLineSplitter
{
    private const string ShellOperators = "|&;<>()`$";

    public static IReadOnlyList<string> Split(string commandLine)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            switch (c)
            {
                case ' ' or '\t' or '\n':
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }

                    break;
                case '\'':
                    var close = commandLine.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        throw new FormatException($"unbalanced ' in the command line: {commandLine}");
                    }

                    word.Append(commandLine, i + 1, close - i - 1);
                    i = close;
                    inWord = true;
                    break;
                case '"':
                    i = ReadDoubleQuoted(commandLine, i, word);
                    inWord = true;
                    break;
                case '\\':
                    if (i + 1 >= commandLine.Length)
                    {
                        throw new FormatException($"the command line ends in a lone \\: {commandLine}");
                    }

                    word.Append(commandLine[++i]);
                    inWord = true;
                    break;
                default:
                    if (ShellOperators.Contains(c, StringComparison.Ordinal))
                    {
                        throw new FormatException(
                            $"'{c}' in the command line is shell syntax; quote it, or run the check with shell: true: {commandLine}");
                    }

                    word.Append(c);
                    inWord = true;
                    break;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    private static int ReadDoubleQuoted(string commandLine, int open, StringBuilder word)
    {
        for (var i = open + 1; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            if (c == '"')
            {
                return i;
            }

            if (c == '\\' && i + 1 < commandLine.Length && commandLine[i + 1] is '"' or '\\' or '$' or '`')
            {
                word.Append(commandLine[++i]);
            }
            else if (c is '$' or '`')
            {
                throw new FormatException(
                    $"'{c}' inside double quotes is a shell expansion; escape it, or run the check with shell: true: {commandLine}");
            }
            else
            {
                word.Append(c);
            }
        }

        throw new FormatException($"unbalanced \" in the command line: {commandLine}");
    }
}
