namespace Slipway.Core.Tests.Config;

/// <summary>Whatever the bytes, loading ends in diagnostics, never in an exception or an "internal error".</summary>
public sealed class ConfigFuzzTests
{
    private const string Alphabet = " \n\t:-[]{},#&*!|>'\"%@`?$~0a";

    [Fact]
    public void Mutated_examples_never_crash()
    {
        var random = new Random(20261126);
        var failures = new List<string>();
        for (var run = 0; run < 3000; run++)
        {
            var chars = ConfigFixtures.Example.ToCharArray().ToList();
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(chars.Count);
                switch (random.Next(3))
                {
                    case 0:
                        chars.RemoveAt(at);
                        break;
                    case 1:
                        chars.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                        break;
                    default:
                        chars[at] = Alphabet[random.Next(Alphabet.Length)];
                        break;
                }
            }

            var yaml = new string([.. chars]);
            var result = ConfigFixtures.Parse(yaml);
            if (result.Diagnostics.Any(d => d.Message.StartsWith("internal error", StringComparison.Ordinal)))
            {
                failures.Add(yaml + "\n=> " + ConfigFixtures.Lines(result));
            }

            (result.Config is null).ShouldBe(result.Diagnostics.Any(d => d.Severity == Slipway.Core.Config.DiagnosticSeverity.Error));
        }

        failures.ShouldBeEmpty(failures.FirstOrDefault());
    }
}
