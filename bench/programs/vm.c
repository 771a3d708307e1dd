/* vm.c: a small bytecode interpreter (a switch in a loop, the shape of
 * language VMs) running a loop-heavy program: sum of i*i mod 7 with a
 * nested counting loop. Usage: vm [n=3000000] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, LT, JZ, JMP, DUP, POP, HALT };

static int64_t run(const int32_t *code, int64_t *vars) {
  int64_t stack[64];
  int sp = 0, pc = 0;
  for (;;) {
    int32_t op = code[pc++];
    switch (op) {
      case PUSH: stack[sp++] = code[pc++]; break;
      case LOAD: stack[sp++] = vars[code[pc++]]; break;
      case STORE: vars[code[pc++]] = stack[--sp]; break;
      case ADD: --sp; stack[sp - 1] += stack[sp]; break;
      case SUB: --sp; stack[sp - 1] -= stack[sp]; break;
      case MUL: --sp; stack[sp - 1] *= stack[sp]; break;
      case MOD: --sp; stack[sp - 1] %= stack[sp]; break;
      case LT: --sp; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case JZ: pc = stack[--sp] ? pc + 1 : code[pc]; break;
      case JMP: pc = code[pc]; break;
      case DUP: stack[sp] = stack[sp - 1]; ++sp; break;
      case POP: --sp; break;
      case HALT: return vars[1];
      default: return -1;
    }
  }
}

int main(int argc, char **argv) {
  int32_t n = argc > 1 ? atoi(argv[1]) : 3000000;
  /* vars: 0 = i, 1 = acc, 2 = n
   * while (i < n) { acc = acc + (i * i) % 7; i = i + 1; } */
  const int32_t code[] = {
      PUSH, 0, STORE, 0, PUSH, 0, STORE, 1,
      /* 8: */ LOAD, 0, LOAD, 2, LT, JZ, 37,
      LOAD, 1, LOAD, 0, LOAD, 0, MUL, PUSH, 7, MOD, ADD, STORE, 1,
      LOAD, 0, PUSH, 1, ADD, STORE, 0, JMP, 8,
      /* 37: */ HALT};
  int64_t vars[4] = {0, 0, n, 0};
  int64_t r = run(code, vars);
  printf("vm %lld\n", (long long)r);
  return 0;
}
