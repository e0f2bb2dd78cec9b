/* hello_exe.c: prints its argv and what /proc/self/exe names (run_more.bats). */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int i;

	exe[n > 0 ? n : 0] = '\0';
	for (i = 0; i < argc; i++)
		printf("%s ", argv[i]);
	printf("exe=%s\n", exe);
	return 0;
}
