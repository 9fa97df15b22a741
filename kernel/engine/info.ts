import { kernelLanguageInfo, kernelVersion } from "./language-info.js";

/**
 * What the language says about itself in kernel_info_reply (ipykernel keeps these on its language
 * subclass). Cheap to load: the kernel answers kernel_info before the engine itself is loaded.
 */
export function engineInfo(): { language_info: ReturnType<typeof kernelLanguageInfo>; banner: string; help_links: Array<{ text: string; url: string }> } {
  return {
    language_info: kernelLanguageInfo(),
    banner: `tskeras ${kernelVersion}: TypeScript with a Keras-style library (import { tf, keras } from "tskeras")`,
    help_links: [
      { text: "tskeras", url: "https://www.npmjs.com/package/tskeras" },
      { text: "TypeScript Handbook", url: "https://www.typescriptlang.org/docs/handbook/intro.html" },
      { text: "TensorFlow.js API", url: "https://js.tensorflow.org/api/latest/" },
      { text: "Keras API", url: "https://keras.io/api/" },
    ],
  };
}
