namespace Slipway.Build.Tests.Support;

/// <summary>The sources of a tiny C library (libgreet) and a program linking it (hello).</summary>
internal static class CProjects
{
    public const string GreetC = "#include \"greet.h\"\n\nconst char *greet(void)\n{\n    return \"hello\";\n}\n";

    public static readonly Dictionary<string, string> Library = new()
    {
        ["greet.h"] = "const char *greet(void);\n",
        ["greet.c"] = GreetC,
        ["Makefile"] =
            "libgreet.a: greet.o\n\tar rcs $@ greet.o\n\n" +
            "greet.o: greet.c greet.h\n\t$(CC) -c -O2 -o $@ greet.c\n\n" +
            "install: libgreet.a\n\tmkdir -p $(PREFIX)/lib $(PREFIX)/include\n" +
            "\tcp libgreet.a $(PREFIX)/lib/\n\tcp greet.h $(PREFIX)/include/\n",
    };

    public static readonly Dictionary<string, string> Program = new()
    {
        ["main.c"] = "#include <stdio.h>\n#include <greet.h>\n\nint main(void)\n{\n    printf(\"%s, world\\n\", greet());\n    return 0;\n}\n",
        // CPATH and LIBRARY_PATH from the builder find libgreet; no path of it is written here.
        ["Makefile"] = "hello: main.c\n\t$(CC) -O2 -o $@ main.c -lgreet\n\n" +
                       "install: hello\n\tmkdir -p $(PREFIX)/bin\n\tcp hello $(PREFIX)/bin/\n",
    };

    public static readonly Dictionary<string, string> Standalone = new()
    {
        ["tool.c"] = "int main(void) { return 0; }\n",
        ["Makefile"] = "tool: tool.c\n\t$(CC) -o $@ tool.c\n\ninstall: tool\n\tmkdir -p $(PREFIX)/bin\n\tcp tool $(PREFIX)/bin/\n",
    };
}
